/**
 * The error catalogue. Every failure a user or an API client can cause has
 * a stable snake_case code (for logs and the API) and a Chinese message that
 * says what was wrong and what to do (for the chat and the pages).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly userMessage: string,
    readonly status = 400,
    readonly field?: string,
  ) {
    super(`${code}: ${userMessage}`);
  }
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** Bad input on a form or API call: one or more fields, each with a reason. */
export class ValidationError extends AppError {
  constructor(readonly issues: FieldIssue[]) {
    super(
      "invalid_input",
      issues.map((i) => `${i.message}`).join("；"),
      422,
      issues[0]?.field,
    );
  }
}

export const notFound = (what: string) =>
  new AppError("not_found", `${what}不存在，请核对链接或编号。`, 404);

export const forbidden = (why: string) => new AppError("forbidden", why, 403);

export const conflict = (code: string, message: string) =>
  new AppError(code, message, 409);

export const unknownPerson = () =>
  new AppError(
    "unknown_person",
    "系统中没有您的人员信息，无法办理。请联系本单位联络员或市人力资源社会保障局管理员登记。",
    403,
  );
