// `node --import ./test/helpers/module-trace.mjs …` writes every module URL the program resolves
// to the file named by THUMBS_MODULE_TRACE, one per line: a test reads it to see what a command loaded.
import { register } from 'node:module';
import process from 'node:process';

register('./module-trace-hooks.mjs', import.meta.url, { data: process.env.THUMBS_MODULE_TRACE });
