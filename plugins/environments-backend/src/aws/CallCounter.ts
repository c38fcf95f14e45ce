/** Counts AWS calls by operation (and their retries), so a refresh's cost can be printed and checked. */
export class CallCounter {
  private readonly calls = new Map<string, number>();
  private readonly retries = new Map<string, number>();

  /** Records one call of an operation and how many attempts the SDK needed for it. */
  record(operation: string, attempts = 1): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    if (attempts > 1) {
      this.retries.set(
        operation,
        (this.retries.get(operation) ?? 0) + attempts - 1,
      );
    }
  }

  /** Calls per operation, retries not included. */
  callsByOperation(): Record<string, number> {
    return Object.fromEntries([...this.calls.entries()].sort());
  }

  /** Retried attempts per operation (throttling or transient errors). */
  retriesByOperation(): Record<string, number> {
    return Object.fromEntries([...this.retries.entries()].sort());
  }

  /** All calls, retries not included. */
  totalCalls(): number {
    let total = 0;
    this.calls.forEach(count => {
      total += count;
    });
    return total;
  }

  reset(): void {
    this.calls.clear();
    this.retries.clear();
  }
}
