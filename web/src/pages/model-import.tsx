/** Importing a model in MISP's export format, pasted or from a file. */
import { useState } from "preact/hooks";
import type { PageProps } from "../app.js";
import { importModel } from "../api/models.js";
import { Link } from "../components/link.js";
import { ErrorMessage } from "../components/notice.js";
import { navigate } from "../lib/router.js";
import { useAction } from "../lib/use-async.js";

export function ModelImportPage(_props: PageProps) {
  const [text, setText] = useState("");
  const [parseError, setParseError] = useState<string | null>(null);
  const submit = useAction(async (json: unknown) => {
    const model = await importModel(json);
    navigate(model ? `/models/${model.id}` : "/models?filter=mine");
  });

  const readFile = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    setParseError(null);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      setParseError(`This is not valid JSON: ${(e as Error).message}`);
      return;
    }
    void submit.run(json);
  };

  return (
    <section>
      <div class="page-title">
        <h1>Import a model</h1>
        <Link href="/models">All models</Link>
      </div>
      <form class="card" onSubmit={onSubmit}>
        <p>
          Paste a model exported from MISP or Halflife, or choose its file. The imported model belongs to your organisation and keeps
          its attribute types; check whether it is shared and enabled on its page afterwards.
        </p>
        <label for="import-file">Model file</label>
        <input id="import-file" type="file" accept="application/json,.json" onChange={(e) => void readFile(e)} />
        <label for="import-json">Model JSON</label>
        <textarea id="import-json" rows={16} spellcheck={false} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
        <ErrorMessage error={parseError ?? submit.error} />
        <div class="button-row">
          <button type="submit" class="button-primary" disabled={submit.busy || text.trim() === ""}>
            Import
          </button>
        </div>
      </form>
    </section>
  );
}
