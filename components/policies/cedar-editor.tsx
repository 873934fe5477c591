"use client";

import { useEffect, useRef } from "react";
import { EditorView, basicSetup } from "codemirror";
import { StreamLanguage } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import type { Diagnostic } from "@/lib/policies/cedar";
import { pageNonce } from "@/components/ui/style-nonce";

/** A small Cedar highlighter: keywords, scope variables, entity types, strings, comments, annotations. */
const cedarLanguage = StreamLanguage.define<null>({
  name: "cedar",
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return "string";
    if (stream.match(/^@[A-Za-z_]\w*/)) return "meta";
    if (stream.match(/^\d+/)) return "number";
    if (stream.match(/^(permit|forbid|when|unless|if|then|else|in|has|like|is)\b/)) return "keyword";
    if (stream.match(/^(principal|action|resource|context)\b/)) return "variableName.special";
    if (stream.match(/^(true|false)\b/)) return "bool";
    if (stream.match(/^[A-Z]\w*(::[A-Za-z_]\w*)*/)) return "typeName";
    if (stream.match(/^[A-Za-z_]\w*/)) return "propertyName";
    if (stream.match(/^(==|!=|<=|>=|&&|\|\||[<>!+\-*])/)) return "operator";
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: "//" } },
});

function toCodeMirror(view: EditorView, diagnostics: Diagnostic[]): CmDiagnostic[] {
  const doc = view.state.doc;
  const position = (line: number, column: number) => {
    const safeLine = Math.min(Math.max(line, 1), doc.lines);
    const info = doc.line(safeLine);
    return Math.min(info.from + Math.max(column - 1, 0), info.to);
  };
  return diagnostics.map((item) => {
    const from = position(item.line, item.column);
    const to = Math.max(from, position(item.endLine, item.endColumn));
    return { from, to: to === from ? Math.min(from + 1, doc.length) : to, severity: item.severity, message: item.message };
  });
}

/** CodeMirror 6 for Cedar; the parent owns the text and passes diagnostics back in. */
export function CedarEditor({ value, onChange, diagnostics, label, readOnly = false }: { value: string; onChange: (text: string) => void; diagnostics: Diagnostic[]; label: string; readOnly?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      doc: value,
      parent: host.current,
      extensions: [
        basicSetup,
        cedarLanguage,
        lintGutter(),
        // CodeMirror writes its theme as <style> elements: without the page's nonce the CSP refuses them (the gutter and
        // highlighting then fall apart).
        EditorView.cspNonce.of(pageNonce() ?? ""),
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChangeRef.current(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once per mount; later text changes flow through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readOnly, label]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (editor) editor.dispatch(setDiagnostics(editor.state, toCodeMirror(editor, diagnostics)));
  }, [diagnostics, value]);

  return <div className="cedar-editor" ref={host} />;
}
