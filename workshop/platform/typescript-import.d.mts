/** Registers tsx's loader for .ts files in this process, once however often it is called. */
export function registerTypeScript(): Promise<void>;
/** Imports a TypeScript module by its file URL; the first call registers tsx for this process. */
export function importTypeScript(url: string): Promise<unknown>;
