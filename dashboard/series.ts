/**
 * Numbers over time, kept for a fixed window: the lag history behind a chart and the end
 * offsets behind a produce rate. Old points fall off, so memory stays flat however long the
 * dashboard runs and however fast the topic is written.
 */
export class TimeSeries {
  private points: Array<[at: number, value: number]> = [];

  constructor(private readonly windowMs: number) {}

  add(at: number, value: number): void {
    this.points.push([at, value]);
    const oldest = at - this.windowMs;
    let drop = 0;
    while (drop < this.points.length - 1 && this.points[drop]![0] < oldest) drop++;
    if (drop > 0) this.points = this.points.slice(drop);
  }

  get latest(): number | undefined {
    return this.points.at(-1)?.[1];
  }

  /** The points, oldest first, with times relative to `now` (negative milliseconds). */
  relativeTo(now: number): Array<[ago: number, value: number]> {
    return this.points.map(([at, value]) => [at - now, value]);
  }

  /**
   * Units per second over the window: for end offsets, messages produced per second. Zero
   * until two points are a moment apart; never negative (a recreated topic starts again at 0).
   */
  ratePerSecond(): number {
    const first = this.points[0];
    const last = this.points.at(-1);
    if (!first || !last || last[0] - first[0] < 200) return 0;
    return Math.max(0, ((last[1] - first[1]) * 1000) / (last[0] - first[0]));
  }
}
