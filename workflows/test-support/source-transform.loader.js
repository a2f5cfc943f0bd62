// A webpack loader for tests that bundle a deliberately altered copy of workflow code in memory
// (workflows/replay.spec.ts): `options.transform(source, resourcePath)` returns the new source.
// No altered workflow file ever exists on disk.
module.exports = function sourceTransformLoader(source) {
  const { transform } = this.getOptions();
  return transform(source, this.resourcePath);
};
