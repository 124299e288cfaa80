/** @odoo-module **/
// The overview in a real browser; run by tests/test_tour_overview.py, which leaves one
// document needing attention and one waiting.
import {registry} from "@web/core/registry";
import {screenshot} from "@innonest_szamlazz/../tests/tours/szamlazz_tours";

const CARD = ".o_szamlazz_overview .o_kanban_record";

registry.category("web_tour.tours").add("szamlazz_overview_tour", {
  steps: () => [
    {
      content: "Open the Számlázz.hu menu",
      trigger:
        ".o_menu_sections [data-menu-xmlid='innonest_szamlazz.menu_szamlazz_root']",
      run: "click",
    },
    {
      content: "Open the overview",
      trigger:
        ".dropdown-item[data-menu-xmlid='innonest_szamlazz.szamlazz_overview_menu']",
      run: "click",
    },
    {
      content: "One document needs attention",
      trigger: `${CARD} button[name='action_view_attention']:contains(1):contains(Needs attention)`,
    },
    {
      content: "One document is waiting",
      trigger: `${CARD} button[name='action_view_waiting']:contains(1):contains(Waiting)`,
    },
    {
      content: "The checklist says what is still to do",
      trigger: `${CARD} .o_szamlazz_checklist button[name='action_view_webshop_prefixes']`,
    },
    screenshot("overview"),
    {
      content: "Open what needs attention",
      trigger: `${CARD} button[name='action_view_attention']`,
      run: "click",
    },
    {
      content: "Only the document needing attention is listed",
      trigger:
        ".o_list_view:not(:has(.o_data_row:contains(W-TOUR-WAITING))) .o_data_row:contains(W-TOUR-ATTENTION)",
    },
    {
      content: "Back to the overview",
      trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb li:first-child a",
      run: "click",
    },
    {
      content: "Import what is waiting",
      trigger: `${CARD} button[name='action_import_now']`,
      run: "click",
    },
    {
      content: "The import says what it did",
      trigger: ".o_notification:contains(processed)",
    },
    {
      content: "Nothing is waiting any more",
      trigger: `${CARD} button[name='action_view_waiting']:contains(0)`,
    },
  ],
});
