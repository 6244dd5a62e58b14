/**
 * A small, strict reader and writer for the XML WeCom speaks: elements,
 * text, CDATA and comments, no attributes, no DTD. Values stay strings, so
 * a 64-bit MsgId or an id like "007" arrives exactly as sent. Anything
 * outside that shape is refused rather than guessed at.
 */

export interface XmlElement {
  name: string;
  /** Text and CDATA joined; empty when the element has children. */
  text: string;
  children: XmlElement[];
}

export class XmlError extends Error {}

const MAX_DEPTH = 8;
const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

export function parseXml(source: string): XmlElement {
  const reader = new Reader(source);
  reader.skipProlog();
  const root = reader.element(0);
  reader.skipMisc();
  if (!reader.done()) {
    throw new XmlError("content after the root element");
  }
  return root;
}

/** The only child of this name: WeCom never sends a field twice. */
export function childOf(
  parent: XmlElement,
  name: string,
): XmlElement | undefined {
  const found = parent.children.filter((c) => c.name === name);
  if (found.length > 1) {
    throw new XmlError(`<${name}> appears ${found.length} times`);
  }
  return found[0];
}

export function textOf(parent: XmlElement, name: string): string | undefined {
  const child = childOf(parent, name);
  if (child && child.children.length > 0) {
    throw new XmlError(`<${name}> should hold text, not elements`);
  }
  return child?.text;
}

/** CDATA that survives any text: "]]>" is split across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** A flat element list; strings go into CDATA, numbers stay bare. */
export function xmlFields(fields: Record<string, string | number>): string {
  return Object.entries(fields)
    .map(([name, value]) => {
      const body = typeof value === "number" ? String(value) : cdata(value);
      return `<${name}>${body}</${name}>`;
    })
    .join("");
}

class Reader {
  private pos = 0;

  constructor(private readonly src: string) {}

  done(): boolean {
    return this.pos >= this.src.length;
  }

  skipProlog(): void {
    this.skipSpace();
    if (this.src.startsWith("<?xml", this.pos)) {
      this.pos = this.indexAfter("?>");
    }
    this.skipMisc();
  }

  /** Whitespace and comments between elements. */
  skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith("<!--", this.pos)) {
        this.pos = this.indexAfter("-->");
      } else {
        return;
      }
    }
  }

  element(depth: number): XmlElement {
    if (depth >= MAX_DEPTH) {
      throw new XmlError("elements nested too deeply");
    }
    this.expect("<");
    const name = this.name();
    this.skipSpace();
    if (this.src.startsWith("/>", this.pos)) {
      this.pos += 2;
      return { name, text: "", children: [] };
    }
    if (this.src[this.pos] !== ">") {
      throw new XmlError(`<${name}> has attributes or a broken tag`);
    }
    this.pos++;

    const children: XmlElement[] = [];
    let text = "";
    for (;;) {
      if (this.done()) {
        throw new XmlError(`<${name}> is not closed`);
      }
      if (this.src.startsWith("</", this.pos)) {
        break;
      }
      if (this.src.startsWith("<![CDATA[", this.pos)) {
        const start = this.pos + 9;
        this.pos = this.indexAfter("]]>");
        text += this.src.slice(start, this.pos - 3);
      } else if (this.src.startsWith("<!--", this.pos)) {
        this.pos = this.indexAfter("-->");
      } else if (this.src[this.pos] === "<") {
        children.push(this.element(depth + 1));
      } else {
        text += this.plainText();
      }
    }

    this.pos += 2;
    if (this.name() !== name) {
      throw new XmlError(`<${name}> closed by another tag`);
    }
    this.skipSpace();
    this.expect(">");
    if (children.length > 0) {
      // Only layout whitespace may sit between child elements.
      if (text.trim() !== "") {
        throw new XmlError(`<${name}> mixes text and elements`);
      }
      text = "";
    }
    return { name, text, children };
  }

  private plainText(): string {
    const end = this.src.indexOf("<", this.pos);
    const raw = this.src.slice(this.pos, end < 0 ? undefined : end);
    this.pos += raw.length;
    return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);|&/g, (all, ref) => {
      if (ref === undefined) {
        throw new XmlError("a bare & in text");
      }
      return decodeEntity(ref);
    });
  }

  private name(): string {
    const match = NAME.exec(this.src.slice(this.pos, this.pos + 64));
    if (!match) {
      throw new XmlError(`expected a tag name at ${this.pos}`);
    }
    this.pos += match[0].length;
    return match[0];
  }

  private expect(char: string): void {
    if (this.src[this.pos] !== char) {
      throw new XmlError(`expected "${char}" at ${this.pos}`);
    }
    this.pos++;
  }

  private skipSpace(): void {
    while (/\s/.test(this.src[this.pos] ?? "")) {
      this.pos++;
    }
  }

  private indexAfter(marker: string): number {
    const at = this.src.indexOf(marker, this.pos);
    if (at < 0) {
      throw new XmlError(`missing "${marker}"`);
    }
    return at + marker.length;
  }
}

function decodeEntity(ref: string): string {
  if (ref.startsWith("#")) {
    const code =
      ref[1] === "x" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff || surrogate) {
      throw new XmlError(`a bad character reference &${ref};`);
    }
    return String.fromCodePoint(code);
  }
  const char = ENTITIES[ref];
  if (char === undefined) {
    throw new XmlError(`an unknown entity &${ref};`);
  }
  return char;
}
