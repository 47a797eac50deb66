// A frozen config module (audit 41 js D1): Object.freeze returns its argument, so cors reads these values as written.
export default Object.freeze({
  cors: Object.freeze({ clientOrigin: '*', methods: Object.freeze(['GET', 'POST']) }),
});
