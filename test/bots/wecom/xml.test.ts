import { describe, expect, it } from "vitest";
import {
  cdata,
  parseXml,
  textOf,
  XmlError,
  xmlFields,
} from "../../../bots/wecom/xml.js";

describe("reading WeCom XML", () => {
  it("keeps values as exact strings, CDATA or bare", () => {
    const root = parseXml(
      '<?xml version="1.0"?>\n<xml><MsgId>4561255354251345929</MsgId>' +
        "<Id><![CDATA[007]]></Id><Empty/><Blank></Blank></xml>",
    );

    expect(root.name).toBe("xml");
    expect(textOf(root, "MsgId")).toBe("4561255354251345929");
    expect(textOf(root, "Id")).toBe("007");
    expect(textOf(root, "Empty")).toBe("");
    expect(textOf(root, "Blank")).toBe("");
    expect(textOf(root, "Missing")).toBeUndefined();
  });

  it("joins split CDATA and decodes entities in plain text", () => {
    const root = parseXml(
      `<xml><A>${cdata("x]]>y")}</A><B>a &lt;b&gt; &amp; &#20013;&#x6587;</B></xml>`,
    );

    expect(textOf(root, "A")).toBe("x]]>y");
    expect(textOf(root, "B")).toBe("a <b> & 中文");
  });

  it("reads nested lists and skips comments", () => {
    const root = parseXml(`<xml>
      <!-- a note -->
      <Items><Item>1</Item><Item>2</Item></Items>
    </xml>`);
    const items = root.children[0].children;

    expect(items.map((i) => i.text)).toEqual(["1", "2"]);
  });

  it.each([
    ["attributes", '<xml a="1"></xml>'],
    ["a DTD", "<!DOCTYPE x><xml></xml>"],
    ["an unknown entity", "<xml><A>&foo;</A></xml>"],
    ["a bare ampersand", "<xml><A>a & b</A></xml>"],
    ["a lone surrogate", "<xml><A>&#xD800;</A></xml>"],
    ["a wrong closing tag", "<xml><A>1</B></xml>"],
    ["an unclosed element", "<xml><A>1</A>"],
    ["text beside elements", "<xml>x<A>1</A></xml>"],
    ["two roots", "<xml></xml><xml></xml>"],
    ["an unterminated CDATA", "<xml><A><![CDATA[x</A></xml>"],
    ["deep nesting", "<a>".repeat(9) + "</a>".repeat(9)],
    ["nothing", ""],
  ])("refuses %s", (_, source) => {
    expect(() => parseXml(source)).toThrow(XmlError);
  });

  it("refuses a field that appears twice", () => {
    const root = parseXml("<xml><A>1</A><A>2</A></xml>");

    expect(() => textOf(root, "A")).toThrow(/2 times/);
  });

  it("refuses elements where text belongs", () => {
    const root = parseXml("<xml><A><B>1</B></A></xml>");

    expect(() => textOf(root, "A")).toThrow(XmlError);
  });
});

describe("writing WeCom XML", () => {
  it("puts strings in CDATA and numbers bare, and reads back", () => {
    const xml = `<xml>${xmlFields({ Content: "a]]>b", CreateTime: 17 })}</xml>`;

    expect(xml).toContain("<CreateTime>17</CreateTime>");
    expect(textOf(parseXml(xml), "Content")).toBe("a]]>b");
  });
});
