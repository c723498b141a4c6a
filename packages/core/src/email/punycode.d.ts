// The npm `punycode` package, imported by file so Node's deprecated built-in module of the same name is not used.
declare module 'punycode/punycode.js' {
  const punycode: {
    toASCII(input: string): string;
    toUnicode(input: string): string;
    decode(input: string): string;
    encode(input: string): string;
  };
  export default punycode;
}
