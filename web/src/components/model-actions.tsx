/** What a user can do with a model: open it in the tool, simulate, export, enable or disable, delete. */
import { deleteModel, exportModel, setEnabled, type DecayingModel } from "../api/models.js";
import { downloadJson, fileNameFor } from "../lib/format.js";
import { withQuery } from "../lib/router.js";
import { useAction } from "../lib/use-async.js";
import { ConfirmButton } from "./confirm-button.js";
import { Link } from "./link.js";
import { ErrorMessage } from "./notice.js";

export function ModelActions({ model, onChanged, compact, afterDelete }: { model: DecayingModel; onChanged(): void; compact?: boolean; afterDelete?(): void }) {
  const toggle = useAction(async () => {
    await setEnabled(model.id, !model.enabled);
    onChanged();
  });
  const download = useAction(async () => downloadJson(await exportModel(model.id), fileNameFor(model.name)));
  const remove = useAction(async () => {
    await deleteModel(model.id);
    if (afterDelete) afterDelete();
    else onChanged();
  });
  const small = compact ? "button-small" : "";
  const label = (text: string) => <span class="visually-hidden"> {text}</span>;
  return (
    <div class="actions">
      <div class="button-row">
        <Link class={`button ${small}`} href={`/models/${model.id}/edit`}>
          {model.isEditable && !model.default ? "Edit" : "Open in tool"}
          {label(model.name)}
        </Link>
        <Link class={`button ${small}`} href={withQuery("/simulation", { model: model.id })}>
          Simulate{label(model.name)}
        </Link>
        <button type="button" class={small} onClick={() => void download.run()} disabled={download.busy}>
          Export{label(model.name)}
        </button>
        {model.isEditable && (
          <button type="button" class={small} onClick={() => void toggle.run()} disabled={toggle.busy}>
            {model.enabled ? "Disable" : "Enable"}
            {label(model.name)}
          </button>
        )}
        {model.isEditable && !model.default && (
          <ConfirmButton
            label={compact ? "Delete" : "Delete model"}
            class={`button-danger ${small}`}
            title={`Delete "${model.name}"?`}
            confirmLabel="Delete"
            danger
            onConfirm={() => void remove.run()}
          >
            <p>The model and its attribute-type mapping go for good. Scores from it disappear from searches and event views.</p>
          </ConfirmButton>
        )}
      </div>
      <ErrorMessage error={toggle.error ?? download.error ?? remove.error} />
    </div>
  );
}

