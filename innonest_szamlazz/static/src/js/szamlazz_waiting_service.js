/**
 * Buttons that wait for Számlázz.hu (the Agent can take a minute to answer a create) say
 * so on a blocked screen, instead of leaving the user with a silent spinner.
 */
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {rpcBus} from "@web/core/network/rpc";

// Model/method of the buttons whose Python method asks Számlázz.hu before it answers.
const WAITING_FOR_SZAMLAZZ = new Set([
  "szamlazz.account/action_check_connection",
  "szamlazz.account/action_import_now",
  "szamlazz.connect.wizard/action_check_key",
  "szamlazz.connect.wizard/action_apply_company_data",
  "szamlazz.connect.wizard/action_done",
  "szamlazz.invoice/action_reprocess",
  "szamlazz.payment.wizard/action_register",
  "szamlazz.proforma.wizard/action_create_proforma",
]);
const CALL_BUTTON = /\/web\/dataset\/call_button\/([\w.]+)\/(\w+)$/;

export const szamlazzWaitingService = {
  dependencies: ["ui"],
  start(env, {ui}) {
    const waiting = new Set();
    rpcBus.addEventListener("RPC:REQUEST", ({detail}) => {
      const match = CALL_BUTTON.exec(detail.url || "");
      if (match && WAITING_FOR_SZAMLAZZ.has(`${match[1]}/${match[2]}`)) {
        waiting.add(detail.data.id);
        ui.block({message: _t("Waiting for Számlázz.hu…"), delay: 500});
      }
    });
    rpcBus.addEventListener("RPC:RESPONSE", ({detail}) => {
      if (waiting.delete(detail.data.id)) {
        ui.unblock();
      }
    });
  },
};

registry.category("services").add("szamlazz_waiting", szamlazzWaitingService);
