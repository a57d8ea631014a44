/** The path of a URL, read without a URL parse. */

/** The path of an absolute URL as a Request serialises it (no URL parse: this runs per call). */
export function pathOf(url: string): string {
  const afterScheme = url.indexOf("//");
  const start = afterScheme >= 0 ? url.indexOf("/", afterScheme + 2) : 0;
  if (start < 0) return "/";
  const end = url.search(/[?#]/);
  return url.slice(start, end > start ? end : undefined);
}
