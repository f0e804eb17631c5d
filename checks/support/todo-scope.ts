import { AsyncLocalStorage } from 'node:async_hooks';
import { whenTodoReached, type TodoError } from '../../workshop/todo.ts';

/** The todos reached during one check run, and a way to hear of the first at once. */
class ReachedTodos {
  readonly reached: TodoError[] = [];
  private notify: ((error: TodoError) => void) | undefined;
  readonly first = new Promise<TodoError>((resolve) => (this.notify = resolve));

  add(error: TodoError): void {
    this.reached.push(error);
    this.notify?.(error);
  }

  /** The one to report: the earliest step, as the learner works through them in order. */
  earliest(): TodoError | undefined {
    return [...this.reached].sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity))[0];
  }
}

const scope = new AsyncLocalStorage<ReachedTodos>();
// every todo() reached in a check's async context (its awaits, timers, and the kafkajs message
// handlers its consumers run) is noted for that check, whatever the code around it does with the error
whenTodoReached((error) => scope.getStore()?.add(error));

/**
 * Runs `work` and settles as the learner needs it: a todo() reached anywhere inside it (even one
 * whose error kafkajs swallowed, or that learner code caught) ends the run at once as "not done
 * yet" for the earliest such step, never as a failure that blames finished code.
 */
export async function failAtFirstTodo<T>(work: () => Promise<T>): Promise<T> {
  const todos = new ReachedTodos();
  let outcome: { value: T } | { error: unknown };
  try {
    const value = await scope.run(todos, () =>
      Promise.race([
        work(),
        todos.first.then((error) => {
          throw error;
        }),
      ]),
    );
    outcome = { value };
  } catch (error) {
    outcome = { error };
  }
  const todo = todos.earliest();
  if (todo) throw todo;
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
