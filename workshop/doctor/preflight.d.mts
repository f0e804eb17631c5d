export function satisfiesMinimum(version: string, range: string): boolean;
export function line(ok: boolean | 'optional', text: string, fix?: string): string;
export function nodeLine(version: string, range: string): { ok: boolean; text: string };
export function installLine(root: string): { ok: boolean; text: string };
