// Types for scripts/nls-strings.mjs (the manifest test imports it).
type Json = Record<string, unknown>;
export function userVisibleStrings(manifest: Json): { at: (string | number)[]; key: string; value: string }[];
export function nlsProblems(manifest: Json, nls: Record<string, unknown>): string[];
export function resolveNls<T>(manifest: T, nls: Record<string, unknown>): T;
export function convert(manifest: Json, nls: Record<string, unknown>): { manifest: Json; nls: Record<string, string> };
