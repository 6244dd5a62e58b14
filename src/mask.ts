/**
 * Masks for personal information shown to wide audiences, such as the
 * mechanism's group chat (spec section 5): names keep their first
 * character (张*), mobile numbers their first 3 and last 4 digits
 * (138****0031). Full values only reach the units handling a case.
 */

/** "张三" → "张*", "欧阳娜娜" → "欧***"; blank stays blank. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) {
    return "";
  }
  return chars[0] + "*".repeat(Math.max(1, chars.length - 1));
}

/**
 * "13800000031" → "138****0031"; "0825-2345678" → "0825-***5678".
 * Anything else keeps at most its last 4 digits.
 */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/\s/g, "");
  if (/^1\d{10}$/.test(compact)) {
    return `${compact.slice(0, 3)}****${compact.slice(7)}`;
  }
  const landline = /^(0\d{2,3})-?(\d{7,8})(-\d{1,6})?$/.exec(compact);
  if (landline) {
    const [, area, number] = landline;
    return `${area}-${"*".repeat(number.length - 4)}${number.slice(-4)}`;
  }
  const digits = compact.replace(/\D/g, "");
  if (digits.length <= 4) {
    return "*".repeat(compact.length);
  }
  return "*".repeat(digits.length - 4) + digits.slice(-4);
}
