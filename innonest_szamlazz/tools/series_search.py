"""Where a Számlázz.hu number series reaches a given issue day, in few questions.

Számlázz.hu numbers the documents of one prefix and year without gaps and in the order
they were issued (``WEB-2026-1``, ``WEB-2026-2``, …), and answers "not found" past the
last one. "Issued on or after the day, or not issued yet" is therefore false up to some
sequence and true from it on: a galloping search (1, 2, 4, 8, 16, …) brackets that
sequence, a binary search pins it, about 2·log2(N) questions for N documents.
"""


def first_sequence_issued_from(issued_on, start_date, lowest=1):
    """The smallest sequence ≥ ``lowest`` whose document was issued on or after
    ``start_date`` or does not exist yet: where a walk of the series starts.

    :param issued_on: ``sequence -> date`` of that document, ``None`` when there is none
        (a document without a date counts as reached: it cannot be judged, so it is read)
    """

    def reached(sequence):
        issue_date = issued_on(sequence)
        return issue_date is None or issue_date >= start_date

    if reached(lowest):
        return lowest
    before, step = lowest, 1
    while not reached(before + step):
        before += step
        step *= 2
    after = before + step
    while after - before > 1:
        middle = (before + after) // 2
        if reached(middle):
            after = middle
        else:
            before = middle
    return after
