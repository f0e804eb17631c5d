import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { displayPath, PROJECT_ROOT } from '../workshop/paths.ts';

/**
 * The learner never sees vitest's own words ("expected -1 to be +0"): the runner drops them and
 * keeps the message each assertion gives. So every expect() a learner can meet must give one.
 * checks/support/lesson-checks.ts is left out: its assertions prove the fixtures in npm test
 * and never run in `npm run check`.
 */
const CHECK_CODE = [
  ...fs.readdirSync(path.join(PROJECT_ROOT, 'checks')).filter((name) => name.endsWith('.check.ts')),
  ...fs
    .readdirSync(path.join(PROJECT_ROOT, 'checks', 'support'))
    .filter((name) => name.endsWith('.ts') && name !== 'lesson-checks.ts')
    .map((name) => path.join('support', name)),
].map((name) => path.join(PROJECT_ROOT, 'checks', name));

function expectsWithoutMessage(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ((ts.isIdentifier(node.expression) && node.expression.text === 'expect') ||
        (ts.isPropertyAccessExpression(node.expression) && node.expression.getText() === 'expect.soft')) &&
      node.arguments.length < 2
    ) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${displayPath(file)}:${line + 1} ${node.getText().slice(0, 60)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('every assertion a learner can meet says in words what went wrong', () => {
  expect(CHECK_CODE.length).toBeGreaterThan(8);
  const bare = CHECK_CODE.flatMap(expectsWithoutMessage);
  expect(bare, 'expect(value) without a message: give it one that says what went wrong and what to do').toEqual([]);
});
