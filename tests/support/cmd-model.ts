/**
 * A model of how Windows reads a command line that Node hands to `cmd.exe /d /s /c "…"`, written
 * from Microsoft's documentation (cmd's percent expansion and special characters, and the C
 * runtime's argument rules), so that tests here can read the lines the workshop builds for
 * Windows. It covers what those lines use: %VAR%, ^, quotes, & | < >, spaces and backslashes.
 */

/** cmd.exe at the prompt (not in a batch file): %NAME% becomes its value when NAME is set, else stays. */
export function expandPercent(line: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const end = line[i] === '%' ? line.indexOf('%', i + 1) : -1;
    const name = end > i + 1 ? line.slice(i + 1, end) : undefined;
    if (name !== undefined && env[name] !== undefined) {
      out += env[name];
      i = end;
    } else out += line[i];
  }
  return out;
}

/**
 * cmd.exe's second phase: outside quotes ^ makes the next character plain and & | < > end the
 * command (the model throws: a second command would run); inside quotes every character is plain.
 * A batch file that passes %* on (mvn.cmd) puts the result through this phase once more.
 */
export function cmdSpecials(line: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '^') {
      out += line[++i] ?? '';
      continue;
    } else if (!quoted && '&|<>'.includes(c))
      throw new Error(`cmd.exe would start another command at "${line.slice(i)}"`);
    out += c;
  }
  return out;
}

/** The C runtime's argv (the rules of CommandLineToArgvW), minus the program name's own rules. */
export function crtArgv(line: string): string[] {
  const args: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      let slashes = 0;
      while (line[i] === '\\') {
        slashes++;
        i++;
      }
      if (line[i] === '"') {
        current = (current ?? '') + '\\'.repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) current += '"';
        else quoted = !quoted;
      } else {
        current = (current ?? '') + '\\'.repeat(slashes);
        i--;
      }
    } else if (c === '"') {
      current ??= '';
      quoted = !quoted;
    } else if (!quoted && (c === ' ' || c === '\t')) {
      if (current !== undefined) args.push(current);
      current = undefined;
    } else current = (current ?? '') + c;
  }
  if (current !== undefined) args.push(current);
  return args;
}

/** What a program run through a batch file that forwards %* (mvn.cmd → java) receives as arguments. */
export function argvThroughCmdAndBatch(line: string, env: Readonly<Record<string, string>>): string[] {
  return crtArgv(cmdSpecials(cmdSpecials(expandPercent(line, env))));
}
