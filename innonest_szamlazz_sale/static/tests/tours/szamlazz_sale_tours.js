/** @odoo-module **/
// Quotation → proforma, then the paid order, in a real browser; run by tests/test_tours.py,
// which pays the proforma at the sandbox between the two tours.
import {registry} from "@web/core/registry";
import {screenshot} from "@innonest_szamlazz/../tests/tours/szamlazz_tours";

registry.category("web_tour.tours").add("szamlazz_sale_proforma_tour", {
  steps: () => [
    {
      content: "Open the quotation",
      trigger:
        ".o_list_view .o_data_row:contains(Kávézó Kft.) .o_data_cell[name='name']",
      run: "click",
    },
    {
      content: "Ask Számlázz.hu for a proforma",
      trigger:
        ".o_form_view .o_statusbar_buttons button[name='action_szamlazz_proforma']:contains(Számlázz.hu Proforma)",
      run: "click",
    },
    {
      content: "The wizard is filled from the quotation",
      trigger:
        ".modal .o_field_widget[name='line_ids'] .o_data_row:contains(SO-TOUR-COFFEE)",
    },
    screenshot("proforma_wizard"),
    {
      content: "Create the proforma",
      trigger: ".modal button[name='action_create_proforma']",
      run: "click",
    },
    {
      content: "Back on the quotation, which shows its proforma",
      trigger:
        "body:not(:has(.modal)) .o_form_view button[name='action_view_szamlazz_proforma']",
    },
    screenshot("quotation_with_proforma"),
  ],
});

registry.category("web_tour.tours").add("szamlazz_sale_paid_order_tour", {
  steps: () => [
    {
      content: "The paid proforma confirmed the order",
      trigger:
        ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Sales Order)",
    },
    {
      content: "The proforma is paid",
      trigger:
        ".o_form_view button[name='action_view_szamlazz_proforma']:contains(Paid)",
    },
    {
      content: "The invoice Számlázz.hu issued for the payment",
      trigger: ".o_form_view button[name='action_view_szamlazz_invoice']",
    },
    screenshot("order_paid"),
    {
      content: "Open the delivery",
      trigger: ".o_form_view button[name='action_view_delivery']",
      run: "click",
    },
    {
      content: "The delivery is done",
      trigger:
        ".o_form_view:has(.o_field_widget[name='move_ids_without_package']) .o_statusbar_status .o_arrow_button_current:contains(Done)",
    },
  ],
});
