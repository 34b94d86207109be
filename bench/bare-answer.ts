/** A `{status: 100, …}` JSON string of about `bytes` bytes, shaped like an API answer. */
export function fixedAnswer(bytes: number): string {
  const head = {
    status: 100,
    message: 'success',
    data: { confId: 123456, confNumber: '1234567890', confName: 'Weekly sync', filler: '' },
  };
  const base = JSON.stringify(head).length;
  head.data.filler = 'x'.repeat(Math.max(0, bytes - base));
  return JSON.stringify(head);
}
