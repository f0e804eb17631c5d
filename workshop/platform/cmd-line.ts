/**
 * Windows runs `mvn.cmd` only through cmd.exe (Node refuses to spawn a .cmd without a shell), and
 * Node hands cmd.exe the command and its arguments joined by spaces, unquoted: a pom under
 * "C:\Users\Jane Doe" becomes two arguments, and an "&" in a folder name starts a second command.
 * So the command line is built here, each argument quoted for cmd.exe, and passed as one string.
 */

/** Characters that mean something to cmd.exe outside quotes, or that split an argument. */
const NEEDS_QUOTES = /[\s&|<>()^%!,;="']/;

/**
 * One argument as cmd.exe must see it, and as both the program's C runtime and a batch file's
 * %* read it back: inside double quotes, where spaces, &, |, <, >, (, ) and ^ are plain text.
 * A % is the one character quotes do not protect (cmd expands %NAME% even there), so each %
 * is written outside the quotes as ^%, which no variable name can match. A double quote cannot
 * occur in a Windows file name, and no workshop argument has one, so it is refused.
 */
export function quoteForCmd(arg: string): string {
  if (arg.includes('"')) throw new Error(`cannot pass an argument with a double quote through cmd.exe: ${arg}`);
  if (arg !== '' && !NEEDS_QUOTES.test(arg)) return arg;
  // a quote ends each stretch (the closing one, and one before each %): backslashes before it
  // would escape it for the C runtime, so they are doubled
  const inner = arg.replace(/(\\*)%/g, '$1$1"^%"').replace(/(\\+)$/, '$1$1');
  return `"${inner}"`;
}

/** The whole command line for `spawn(line, { shell: true })` on Windows. */
export function cmdCommandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteForCmd).join(' ');
}

/** How to spawn a command that is a batch file on Windows (mvn.cmd) and a plain program elsewhere. */
export interface SpawnPlan {
  command: string;
  args: string[];
  shell: boolean;
}

export function batchCommandSpawn(command: string, args: readonly string[], platform: NodeJS.Platform): SpawnPlan {
  if (platform !== 'win32') return { command, args: [...args], shell: false };
  return { command: cmdCommandLine(command, args), args: [], shell: true };
}

/** cmd.exe's exit code for "'mvn.cmd' is not recognized as an internal or external command". */
export const CMD_NOT_FOUND_EXIT = 9009;
