/** Imports a TypeScript module by its file URL; the first call registers tsx for this process. */
export function importTypeScript(url: string): Promise<unknown>;
