// Types for scripts/package-readme.mjs (the .vsix test and its unit test import it).
export function packageReadme(
  text: string,
  opts: { root: string; packaged: (path: string) => boolean },
): { text: string; images: { path: string; bytes: number }[]; unlinked: string[] };
export function readmeProblems(text: string, files: Set<string>): string[];
export function embeddedImages(text: string): Buffer[];
export function readmeImagePaths(text: string): string[];
