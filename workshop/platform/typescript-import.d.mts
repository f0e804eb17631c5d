/** Registers tsx's loader for .ts files in this process, once however often it is called. */
export function registerTypeScript(): Promise<void>;
/**
 * Imports a TypeScript module by its file URL: compiled in one build with `buildWith`'s files when
 * given and they compile, else through tsx (the first such call registers it for this process).
 */
export function importTypeScript(url: string, buildWith?: { name: string; files: string[] }): Promise<unknown>;
