export async function deploySageMaker(..._a: unknown[]): Promise<never> {
  throw new Error('not yet');
}
