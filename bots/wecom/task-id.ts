/**
 * A template card's task_id: WeCom allows only [0-9a-zA-Z_-@], at most
 * 128 bytes, never the same twice in one app. Ours carries the neutral
 * card key, so a click names its card without a lookup, and a serial
 * that makes every sending of that card a new task.
 */

const TASK_ID = /^[0-9a-zA-Z_\-@]{1,128}$/;
const SERIAL = /^[0-9a-zA-Z_-]{1,40}$/;

export class TaskIdError extends Error {}

/**
 * Characters other than letters, digits and "-" become "_" and two hex
 * digits per UTF-8 byte, so "referral:12:unit:3" reads back exactly.
 */
export function taskIdFor(cardKey: string, serial: string): string {
  if (!SERIAL.test(serial)) {
    throw new TaskIdError(`serial "${serial}" has characters WeCom refuses`);
  }
  const encoded = [...Buffer.from(cardKey)]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[0-9a-zA-Z-]/.test(char)
        ? char
        : "_" + byte.toString(16).padStart(2, "0");
    })
    .join("");
  const taskId = `${encoded}@${serial}`;
  if (!TASK_ID.test(taskId)) {
    throw new TaskIdError(`card key "${cardKey}" is too long for a task_id`);
  }
  return taskId;
}

/** The card key inside a task_id of ours, or undefined for any other. */
export function cardKeyOf(taskId: string): string | undefined {
  const at = taskId.lastIndexOf("@");
  if (!TASK_ID.test(taskId) || at <= 0) {
    return undefined;
  }
  const encoded = taskId.slice(0, at);
  if (!/^(?:[0-9a-zA-Z-]|_[0-9a-f]{2})+$/.test(encoded)) {
    return undefined;
  }
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === "_") {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(encoded.charCodeAt(i));
    }
  }
  const key = Buffer.from(bytes).toString();
  // A key that does not encode back the same way was not made here.
  return Buffer.from(key).equals(Buffer.from(bytes)) ? key : undefined;
}

export const isTaskId = (value: string) => TASK_ID.test(value);
