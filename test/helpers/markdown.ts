/** The lines of a Markdown report's section under a `## ` heading starting with `title`. */
export function section(markdown: string, title: string): string[] {
  const start = markdown.split('\n').findIndex((l) => l.startsWith(`## ${title}`));
  if (start < 0) return [];
  const rest = markdown.split('\n').slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith('## '));
  return rest.slice(0, end < 0 ? undefined : end);
}

/** A section's table rows, header and separator left out. */
export const tableRows = (lines: readonly string[]) => lines.filter((l) => l.startsWith('| ') && !l.startsWith('| ---')).slice(1);
