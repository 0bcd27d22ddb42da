"""gunicorn settings. The access log leaves out the client address and user agent:
citizens' requests must not be traceable to a device (see README, Privacy); and it shows
sign-in and invitation links without their tokens."""

import os

from gunicorn.glogging import Logger

from app.web.redact import redact_path


class RedactingLogger(Logger):
    """The access log's path atom without link tokens; the request-line atom (which would
    repeat the path, and the query) is not offered at all."""

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001, ANN201 - gunicorn's
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms.get("U", ""))
        atoms["r"] = "-"
        return atoms


logger_class = RedactingLogger

workers = int(os.environ.get("WEB_CONCURRENCY", 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 60
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 opens a control socket shared by every server of the user (~/.gunicorn); two
# servers on one machine (make run beside the test suite) would fight over it.
control_socket_disable = True
