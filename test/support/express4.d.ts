// Express 4 is installed under the alias `express4` to test compatibility; its API is typed as Express'.
declare module 'express4' {
  import express from 'express'
  export default express
}
