import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The projects of `npm test`, the ones whose files take longest first. vitest's own order runs
 * the projects by name: the correct variants (lesson 03's, with kafkajs's default timings, wait
 * 13 to 19 s on rebalances) then began after two thirds of the lesson checks, and the run waited
 * for them at the end with a core idle. Begun first, their waits overlap the rest.
 */
export const LONGEST_FIRST = ['variants', 'wrong-answers', 'unit', 'solutions', 'stubs'];

/** vitest's order (its group order, then by the timings it remembers), with the projects in LONGEST_FIRST's order. */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const group = (spec: TestSpecification) => spec.project.config.sequence.groupOrder;
    // projects not in the list keep vitest's order after those that are (an array's sort is stable)
    const rank = (spec: TestSpecification) => {
      const index = LONGEST_FIRST.indexOf(spec.project.name);
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    return sorted.sort((a, b) => group(a) - group(b) || rank(a) - rank(b));
  }
}
