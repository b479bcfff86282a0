/** Jest on plain ESM: no transform (no Babel), Node's environment. */
export default {
  testEnvironment: 'node',
  transform: {},
}
