/** Imports a TypeScript module by its file URL, registering tsx for this process first if needed. */
export function importTypeScript(url: string): Promise<unknown>;
