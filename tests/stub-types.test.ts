import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { listLessons } from '../workshop/lessons.ts';
import { PROJECT_ROOT } from '../workshop/paths.ts';

/**
 * tests/types/stubs-match-solutions.ts proves, at compile time (npm run typecheck), that each
 * lesson module can stand in for its solution. This makes sure it compares every one of them:
 * a lesson added to the manifest without a line there fails here.
 */
test('every lesson file of the manifest is compared with its solution at the type level', () => {
  const source = fs.readFileSync(path.join(PROJECT_ROOT, 'tests', 'types', 'stubs-match-solutions.ts'), 'utf8');
  const compared = [...source.matchAll(/AssignableTo<CallerView<typeof (\w+)Stub>, CallerView<typeof (\w+)Solution>>/g)]
    .filter((match) => match[1] === match[2])
    .map((match) => match[1]!);
  const importedAs = (dir: string, name: string) =>
    new RegExp(
      `import type \\* as (\\w+)${dir === 'lessons' ? 'Stub' : 'Solution'} from '\\.\\./\\.\\./${dir}/${name}';`,
    );
  const missing: string[] = [];
  for (const lesson of listLessons()) {
    for (const file of lesson.files) {
      const stub = importedAs('lessons', `${lesson.folder}/${file}`).exec(source)?.[1];
      const solution = importedAs('solutions', `${lesson.folder}/${file}`).exec(source)?.[1];
      if (!stub || stub !== solution || !compared.includes(stub)) missing.push(`${lesson.folder}/${file}`);
    }
  }
  expect(missing, 'add an AssignableTo line for each to tests/types/stubs-match-solutions.ts').toEqual([]);
});
