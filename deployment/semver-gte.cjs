'use strict';
/**
 * The bundles' `semver` (esbuild alias, serverless.yml custom.esbuild): the X-Ray SDK's packages ask
 * semver one thing, gte(version, minimum), of plain x.y.z versions (cls-hooked: Node's own version at
 * import; the SDK v2 patcher, never used here: the aws-sdk v2 version). This answers that, without
 * semver's 28 KB in every traced function.
 */
function parts(version) {
  return String(version)
    .replace(/^v/, '')
    .split(/[.+-]/, 3)
    .map((n) => Number.parseInt(n, 10) || 0);
}

exports.gte = (version, minimum) => {
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
};
