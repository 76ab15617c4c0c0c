import type { texts } from "../../i18n";
import type { OfficeTexts } from "../../texts/office";
import { AMOUNTS, type ClaimRow, CREDITOR_CLASSES, type CreditorClass, fieldId, TITLE_KINDS, type TitleKind } from "./answers";

type Props = {
  t: ReturnType<typeof texts>;
  o: OfficeTexts;
  index: number;
  row: ClaimRow;
  errors: Record<string, string>;
  onChange: (row: ClaimRow) => void;
  onRemove: (() => void) | null;
};

/** One claim of an answer, with every field of the claim model; errors by the API's field path. */
export function ClaimFields({ t, o, index, row, errors, onChange, onRemove }: Props) {
  const path = (field: string) => `claims.${index}.${field}`;
  const set = <K extends keyof ClaimRow>(field: K, value: ClaimRow[K]) => onChange({ ...row, [field]: value });
  const amountLabels = { principal: o.principal, interest: o.interest, costs: o.costs, paid: o.paid };

  const text = (field: "office_reference" | "principal_creditor" | "title_description", label: string, required: boolean) => (
    <Field id={fieldId(path(field))} label={label} error={errors[path(field)]}>
      {(described) => (
        <input
          id={fieldId(path(field))}
          value={row[field]}
          required={required}
          maxLength={field === "principal_creditor" ? 200 : field === "title_description" ? 500 : 100}
          {...described}
          onInput={(e) => set(field, e.currentTarget.value)}
        />
      )}
    </Field>
  );

  return (
    <fieldset class="claim">
      <legend>
        {o.claimNumber} {index + 1}
      </legend>
      <div class="fields">
        {text("office_reference", o.officeReference, true)}
        {text("principal_creditor", o.principalCreditor, true)}
        <Field id={fieldId(path("creditor_class"))} label={o.creditorClass} error={errors[path("creditor_class")]}>
          {(described) => (
            <select
              id={fieldId(path("creditor_class"))}
              value={row.creditor_class}
              {...described}
              onChange={(e) => set("creditor_class", e.currentTarget.value as CreditorClass)}
            >
              {CREDITOR_CLASSES.map((c) => (
                <option key={c} value={c}>
                  {t.classes[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {AMOUNTS.map((field) => (
          <Field key={field} id={fieldId(path(field))} label={amountLabels[field]} error={errors[path(field)]}>
            {(described) => (
              <input
                id={fieldId(path(field))}
                inputMode="decimal"
                value={row[field]}
                required={field === "principal"}
                placeholder={field === "principal" ? o.euroHint : "0"}
                {...described}
                onInput={(e) => set(field, e.currentTarget.value)}
              />
            )}
          </Field>
        ))}
        <Field id={fieldId(path("title_kind"))} label={o.title} error={errors[path("title_kind")]}>
          {(described) => (
            <select
              id={fieldId(path("title_kind"))}
              value={row.title_kind}
              {...described}
              onChange={(e) => set("title_kind", e.currentTarget.value as TitleKind)}
            >
              {TITLE_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {o.titleKinds[kind]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {row.title_kind !== "none" && text("title_description", o.titleDescription, false)}
        <Field
          id={fieldId(path("public_sale_announced_on"))}
          label={o.publicSale}
          error={errors[path("public_sale_announced_on")]}
        >
          {(described) => (
            <input
              id={fieldId(path("public_sale_announced_on"))}
              type="date"
              value={row.public_sale_announced_on}
              {...described}
              onInput={(e) => set("public_sale_announced_on", e.currentTarget.value)}
            />
          )}
        </Field>
        <label class="check">
          <input
            type="checkbox"
            checked={row.garnishment_laid}
            onChange={(e) => set("garnishment_laid", e.currentTarget.checked)}
          />
          <span>{o.garnishment}</span>
        </label>
      </div>
      {onRemove && (
        <button type="button" class="secondary" onClick={onRemove}>
          {o.removeClaim} ({index + 1})
        </button>
      )}
    </fieldset>
  );
}

type Described = { "aria-invalid"?: true; "aria-describedby"?: string };

/** A labelled field with its error (from the API or the form) beside it, tied by aria-describedby. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error: string | undefined;
  hint?: string;
  children: (described: Described) => preact.ComponentChildren;
}) {
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <span id={`${id}-hint`} class="hint">
          {hint}
        </span>
      )}
      {children({ ...(error ? { "aria-invalid": true } : {}), ...(describedBy ? { "aria-describedby": describedBy } : {}) })}
      {error && (
        <span id={`${id}-error`} class="error">
          {error}
        </span>
      )}
    </div>
  );
}
