"""The plain-text answers of `valaszVerzio` 1 (or no version): success texts and errors.

A v1 error is shaped like the official "Text response" examples: `[ERR]` and the message,
a `t.getMessage()` line, a bracketed context line and a Java stack trace. The numeric
code is not in the text; it travels in the `szlahu_error_code` header. The class names
and frames below are the sandbox's own invention, only the structure follows the docs.
"""

from __future__ import annotations

# Form field -> the (invented) server-side action class named in INSTANCE and the trace.
_ACTION_CLASSES = {
    "action-xmlagentxmlfile": "XmlSzamlaKeszites",
    "action-szamla_agent_st": "XmlSzamlaSztorno",
    "action-szamla_agent_kifiz": "XmlSzamlaKifizetes",
    "action-szamla_agent_pdf": "XmlSzamlaPdfLekeres",
}
_PACKAGE = "hu.szamlazz.sandbox.agent"
_CONTAINER_FRAMES = (
    "javax.servlet.http.HttpServlet.service(HttpServlet.java:681)",
    "javax.servlet.http.HttpServlet.service(HttpServlet.java:764)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter"
    "(ApplicationFilterChain.java:227)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:197)",
    "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:97)",
    "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:135)",
    "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:78)",
    "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:357)",
    "org.apache.coyote.ajp.AjpProcessor.service(AjpProcessor.java:433)",
    "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:65)",
    "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:893)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1789)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1191)",
    "java.lang.Thread.run(Thread.java:750)",
)


def text_error(message: str, action: str | None, company_id: int | None) -> bytes:
    action_class = _ACTION_CLASSES.get(action or "", "XmlAgentKeres")
    frames = (
        f"{_PACKAGE}.rules.AgentRules.check(AgentRules.java:412)",
        f"{_PACKAGE}.action.{action_class}.execute({action_class}.java:158)",
        f"{_PACKAGE}.servlet.AgentServlet.doPost(AgentServlet.java:96)",
        *_CONTAINER_FRAMES,
    )
    lines = [
        f"[ERR] {message}",
        f"---------- t.getMessage(): {message} ----------",
        f"[CEG:{company_id or 0}] [MODUL:SZAMLAAGENT] [INSTANCE:{_PACKAGE}.action.{action_class}]"
        f" {message} [LOCATION:{_PACKAGE}.rules.AgentRules.check (AgentRules.java) #412]",
        *frames,
    ]
    return ("\n".join(lines) + "\n").encode()


def text_done(number: str | None = None) -> bytes:
    return f"xmlagentresponse=DONE;{number}".encode() if number else b"xmlagentresponse=DONE"
