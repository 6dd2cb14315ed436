"""complaints services: the only code that changes requests (see each module's docstring).

- ``requests``: create, transition, bulk submit, edit a draft, assign, comment, attach;
- ``preparation``: the monthly drafts; ``chasing``: reminders, notices, escalations, digests;
- ``verification``: closure verified by the next reconciliation run (``on_run_finished``);
- ``notifications``: in-app rows + e-mail after commit; ``report``: the monthly report section;
- ``deadlines``, ``evidence``, ``letters``, ``attachments``: helpers of the above.
"""
