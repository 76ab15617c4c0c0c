/** Offers `content` to the user as a file download (a CSV the API answered). */
export function saveFile(content: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The inbox's CSV pages as one file: the header row once, then every page's rows. */
export function joinCsvPages(pages: readonly string[]): string {
  const [first = "", ...rest] = pages;
  const rows = rest.map((page) => page.slice(page.indexOf("\n") + 1));
  return [first, ...rows].join("");
}
