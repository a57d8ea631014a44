/**
 * Parses the longest complete prefix of a JSON text that was cut off mid-way (documentation pages
 * often show only the first lines of a sample): the unfinished member is dropped and the open
 * objects and arrays are closed.
 */
export function parseTruncatedJson(text: string): unknown {
  for (let end = text.length; end > 0; end--) {
    const prefix = text.slice(0, end).replace(/[\s,]+$/, "");
    const closers = openBrackets(prefix);
    if (closers === undefined) continue;
    try {
      return JSON.parse(prefix + closers);
    } catch {
      // Not a complete prefix yet; try a shorter one.
    }
  }
  throw new Error(`No parseable prefix in ${JSON.stringify(text.slice(0, 40))}…`);
}

/** The brackets that close every object and array open at the end of `text`, or undefined. */
function openBrackets(text: string): string | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") stack.push("}");
    else if (c === "[") stack.push("]");
    else if (c === "}" || c === "]") {
      if (stack.pop() !== c) return undefined;
    }
  }
  return inString ? undefined : stack.reverse().join("");
}
