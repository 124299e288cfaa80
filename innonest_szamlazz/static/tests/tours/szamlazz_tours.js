/** @odoo-module **/
// The main flows of innonest_szamlazz in a real browser; run by tests/test_tours.py, which
// prepares the data (the sandbox issues and pushes the documents) and checks the outcome.
import {registry} from "@web/core/registry";

/**
 * A step that asks the Python test for a screenshot of the screen as it is (only when it
 * set the flag: SZAMLAZZ_SCREENSHOTS_DIR) and waits until it has been taken; the element
 * ``scrollTo`` selects is scrolled into the middle of the screen first.
 */
export function screenshot(name, scrollTo = null) {
  return {
    content: `Screenshot ${name}`,
    trigger: "body",
    run: async () => {
      if (!window.localStorage.getItem("szamlazz_screenshots")) {
        return;
      }
      if (scrollTo) {
        document.querySelector(scrollTo).scrollIntoView({block: "center"});
      }
      // Let fonts, badges and the last re-render settle.
      await new Promise((resolve) => setTimeout(resolve, 400));
      console.log(`szamlazz-screenshot:${name}`);
      const start = Date.now();
      while (window.szamlazzScreenshotTaken !== name) {
        if (Date.now() - start > 8000) {
          throw new Error(`The screenshot ${name} was not taken`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

const DONE = ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Done)";

registry.category("web_tour.tours").add("szamlazz_connect_tour", {
  steps: () => [
    {
      content: "Open the Inventory settings",
      trigger: ".settings_tab .tab[data-key='stock']",
      run: "click",
    },
    {
      content: "The company is not connected yet",
      trigger:
        "#szamlazz_connection .o_field_widget[name='szamlazz_state']:contains(Not Connected)",
    },
    {
      content: "Start the connect wizard",
      trigger: "#szamlazz_connection button:contains(Connect Számlázz.hu)",
      run: "click",
    },
    {
      content: "Paste the Agent key",
      trigger: ".modal .o_field_widget[name='agent_key'] input",
      run: "edit sandbox-demo-key",
    },
    {
      content: "Type the company's tax number",
      trigger: ".modal .o_field_widget[name='tax_number'] input",
      run: "edit 12345678-2-42",
    },
    screenshot("connect_wizard_key"),
    {
      content: "Check the key",
      trigger: ".modal button[name='action_check_key']",
      run: "click",
    },
    {
      content: "Számlázz.hu accepted it and offers the company data",
      trigger:
        ".modal .o_field_widget[name='line_ids'] .o_data_row:contains(12345678-2-42)",
    },
    screenshot("connect_wizard_company"),
    {
      content: "Take over the ticked data",
      trigger: ".modal button[name='action_apply_company_data']",
      run: "click",
    },
    {
      content: "The addresses to register at Számlázz.hu",
      trigger: ".modal .o_field_widget[name='push_url']:contains(/szamlazz/push)",
    },
    screenshot("connect_wizard_register"),
    {
      content: "Finish",
      trigger: ".modal button[name='action_done']",
      run: "click",
    },
    {
      content: "The settings show the account connected",
      trigger:
        "body:not(:has(.modal)) #szamlazz_connection .o_field_widget[name='szamlazz_state']:contains(Connected):not(:contains(Not))",
    },
  ],
});

registry.category("web_tour.tours").add("szamlazz_document_tour", {
  steps: () => [
    {
      content: "Open the apps menu",
      trigger: ".o_navbar_apps_menu button",
      run: "click",
    },
    {
      content: "Open Inventory",
      trigger: ".o-dropdown--menu .o_app[data-menu-xmlid='stock.menu_stock_root']",
      run: "click",
    },
    {
      content: "Open the Számlázz.hu menu",
      trigger:
        ".o_menu_sections [data-menu-xmlid='innonest_szamlazz.menu_szamlazz_root']",
      run: "click",
    },
    {
      content: "Open the documents",
      trigger:
        ".dropdown-item[data-menu-xmlid='innonest_szamlazz.szamlazz_invoice_menu']",
      run: "click",
    },
    {
      content: "The pushed webshop invoice is listed",
      trigger: ".o_list_view .o_data_row:contains(W-TOUR-DELIVERY)",
    },
    screenshot("document_list"),
    {
      content: "Open the pushed webshop invoice",
      trigger:
        ".o_list_view .o_data_row:contains(W-TOUR-DELIVERY) .o_data_cell[name='number']",
      run: "click",
    },
    {
      content: "The document is done",
      trigger: DONE,
    },
    {
      content: "It has a delivery",
      trigger: ".o_form_view button[name='action_view_pickings']:contains(1)",
    },
    screenshot("document_done"),
    {
      content: "Open its delivery",
      trigger: ".o_form_view button[name='action_view_pickings']",
      run: "click",
    },
    {
      content: "The document's transfers",
      trigger: ".o_breadcrumb .active:contains(Transfers)",
    },
    {
      content: "Open the delivery",
      trigger:
        ".o_list_view .o_data_row:contains(W-TOUR-DELIVERY) .o_data_cell[name='name']",
      run: "click",
    },
    {
      content: "The delivery is validated",
      trigger: ".o_form_view .o_field_widget[name='origin']:contains(W-TOUR-DELIVERY)",
    },
    {
      content: "The delivery is done",
      trigger: DONE,
    },
    screenshot("document_delivery"),
  ],
});

registry.category("web_tour.tours").add("szamlazz_create_product_tour", {
  steps: () => [
    {
      content: "Open the document that needs attention",
      trigger:
        ".o_list_view .o_data_row:contains(W-TOUR-NEW-ITEM) .o_data_cell[name='number']",
      run: "click",
    },
    {
      content: "It needs attention: no product has the item's code",
      trigger:
        ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Needs attention)",
    },
    {
      content: "The reason names the code",
      trigger:
        ".o_form_view .alert-warning .o_field_widget[name='state_reason']:contains(T4H-NEW)",
    },
    {
      content: "The item offers its fixes",
      trigger:
        ".o_field_widget[name='line_ids'] .o_data_row:contains(T4H-NEW) button[name='action_map_product']",
    },
    screenshot("item_fix_buttons", ".o_field_widget[name='line_ids']"),
    {
      content: "Create a product from the item",
      trigger:
        ".o_field_widget[name='line_ids'] .o_data_row:contains(T4H-NEW) button[name='action_create_product']",
      run: "click",
    },
    {
      content: "The product form is filled from the item",
      trigger:
        ".modal .o_form_view .o_field_widget[name='name'] textarea, .modal .o_form_view .o_field_widget[name='name'] input",
    },
    {
      content: "Save the product",
      trigger: ".modal .o_form_button_save",
      run: "click",
    },
    {
      content: "The document went on by itself",
      trigger: `body:not(:has(.modal)) ${DONE}`,
    },
    {
      content: "The item moved stock",
      trigger:
        ".o_field_widget[name='line_ids'] .o_data_row:contains(T4H-NEW):contains(Stock moved)",
    },
    screenshot("item_fixed", ".o_field_widget[name='line_ids']"),
  ],
});
