/** Vite's `?raw` import: a text file's contents as a string (the scripted tests load their scripts so). */
declare module '*.txt?raw' {
  const text: string;
  export default text;
}
