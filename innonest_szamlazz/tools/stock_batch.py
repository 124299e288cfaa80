"""The transfers of one import batch, made together: Odoo's own batch cost, not one
picking's round trips per document."""

# Where a document being processed finds the batch it belongs to.
WORK_BATCH_CONTEXT = "szamlazz_work_batch"


class StockBatch:
    """Transfers the documents of a batch asked for, created, confirmed and validated
    in one go by ``szamlazz.invoice._validate_stock_batch``. A document whose goods
    another document of the batch may have moved already (the storno of an invoice, a
    second document of the same order) has the batch validated first."""

    def __init__(self):
        self.plans = []  # (document, picking values)
        self.orders = set()  # (company id, order number) of the planned documents

    def add(self, document, picking_values):
        self.plans.append((document, picking_values))
        if document.order_number:
            self.orders.add((document.company_id.id, document.order_number))

    def mark(self):
        """Where the plans stand now (:meth:`forget_since`)."""
        return len(self.plans)

    def forget_since(self, mark):
        """Drop the plans added after ``mark``: the document that made them was rolled
        back, its transfers must not be made."""
        del self.plans[mark:]
        self.orders = {
            (document.company_id.id, document.order_number)
            for document, _values in self.plans
            if document.order_number
        }

    def must_validate_before(self, document, follows):
        """Whether ``document`` needs to see the stock of the planned ones moved."""
        return bool(self.plans) and (
            document.kind in follows
            or (document.company_id.id, document.order_number) in self.orders
        )

    def take(self):
        plans, self.plans, self.orders = self.plans, [], set()
        return plans
