/**
 * Where a sign-in may send a browser afterwards: a path on this site
 * only, never another host ("//host", "/\\host", "https://…").
 */
export function isLocalPath(value: string): boolean {
  return (
    value.length <= 1024 &&
    /^\/(?![/\\])[\x21-\x7e]*$/.test(value) &&
    !value.includes("\\")
  );
}
