// Every UDF class exported from here is found by udf-run (package.json
// "kapacitorUdf" lists the compiled dist/index.js). Add new UDFs next to
// deadband.ts and export them here.
export { Deadband } from './deadband';
