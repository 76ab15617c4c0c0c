import { day, type Language, moment, type texts } from "../../i18n";
import type { OfficeTexts } from "../../texts/office";
import type { InboxMessage } from "./answers";

type Props = { t: ReturnType<typeof texts>; o: OfficeTexts; language: Language; message: InboxMessage };

/** A message's two deadlines as facts of a `<dl>`: acknowledge by (or when it was), answer by (when it
 * asks for one); overdue as the API says, by the platform's date. */
export function Deadlines({ t, o, language, message }: Props) {
  return (
    <>
      <div>
        <dt>{o.ackDue}</dt>
        <dd>
          {day(message.ack_due_on, language)}
          {message.ack_overdue && <span class="overdue"> {t.overdue}</span>}
          {message.acknowledged_at && <span class="done"> · {o.acknowledgedOn(moment(message.acknowledged_at, language))}</span>}
        </dd>
      </div>
      {message.reply_due_on && (
        <div>
          <dt>{o.replyDue}</dt>
          <dd>
            {day(message.reply_due_on, language)}
            {message.reply_overdue && <span class="overdue"> {t.overdue}</span>}
          </dd>
        </div>
      )}
    </>
  );
}
