"""gunicorn settings. The access log leaves out the client address and user agent:
citizens' requests must not be traceable to a device (see README, Privacy)."""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 60
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 opens a control socket shared by every server of the user (~/.gunicorn); two
# servers on one machine (make run beside the test suite) would fight over it.
control_socket_disable = True
