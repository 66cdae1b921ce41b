//! Messages no person wrote: out-of-office notices, other automatic replies (ticket systems,
//! unmonitored mailboxes, no-reply senders, read receipts, "has left the company"), and bounces
//! (delivery status notifications, RFC 3464). Headers decide first; without them, the words do, in
//! the seven languages of the classifier. Patterns run on folded text (see `lexicon::fold`).

use std::sync::LazyLock;

use regex::Regex;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("machine pattern `{pattern}` is invalid: {e}"))
}

/// Absence notices, in the words automatic notices use.
pub static OUT_OF_OFFICE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:out of (?:the )?office|out-of-office|\booo\b|on (?:annual |parental |maternity |paternity |sick |medical |study )?leave",
        r"|(?:i am|i'm|i will be|i'll be) (?:currently )?(?:away|out|travell?ing|off|on (?:holiday|vacation|pto|a business trip))",
        r"|(?:away|absent) from (?:the office|my desk|my inbox|work)|limited (?:access to|availability on) (?:e-?mail|my inbox)",
        r"|(?:will be|i'll be|i will be) back (?:on|in the office|at my desk)|(?:returning|back) (?:to the office )?on \w+",
        r"|abwesen(?:d|heit)\w*|nicht im (?:buro|haus|hause)|ausser haus|im (?:jahres)?urlaub|in (?:elternzeit|urlaub|den ferien|mutterschutz)",
        r"|wieder (?:im buro|erreichbar|im hause|zuruck)|(?:ab dem|ab) \d+\.(?: ?\d+\.)?(?: \w+)? (?:wieder|bin ich wieder)",
        r"|absente?s? (?:du bureau|jusqu)|(?:je suis|je serai) (?:actuellement )?(?:absente?|en conges?|en vacances|en deplacement|en formation|en seminaire)|sans acces a (?:ma|mes) (?:messagerie|e-?mails)|en conge (?:maternite|paternite|parental|maladie)|ne consulte pas (?:ma messagerie|mes (?:e-?mails|mails))|de retour (?:le|au bureau|a partir)",
        r"|fuera de la oficina|(?:estoy|estare) (?:unos dias |unos dias de )?(?:de vacaciones|fuera|ausente|de viaje|de licencia|en capacitacion)|ausente hasta|estare de vuelta",
        // Offices closed for a holiday or an event.
        r"|(?:office|offices|buro|bureau|bureaux|oficina|oficinas|ufficio|uffici|kantoor|kantoren|escritorio|escritorios)\b[^.\n]{0,50}\b(?:closed|geschlossen|fermes?|cerrad[oa]s?|chius[oi]|gesloten|fechad[oa]s?)\b",
        r"|(?:vuelvo|regreso|retomo|de vuelta|me reincorporo) (?:a la oficina |mis labores )?(?:el|a partir)|acceso limitado al correo",
        r"|fuori (?:sede|ufficio)|(?:sono|saro) (?:in ferie|assente|fuori (?:ufficio|sede))|assente (?:fino|dal)|(?:di ritorno|rientro) (?:il|lunedi|martedi|mercoledi|giovedi|venerdi|in ufficio)",
        r"|accesso (?:limitato|saltuario) (?:alla posta|all'e-?mail)|niet (?:op kantoor|aanwezig)|afwezig|met (?:vakantie|verlof)",
        r"|weer (?:aanwezig|op kantoor|bereikbaar)|ben (?:ik )?(?:er )?weer|op reis|(?:lees|check) (?:mijn|de) (?:mail|e-?mail) (?:maar )?beperkt|beperkt bereikbaar",
        r"|(?:zwangerschaps|ouderschaps|bevallings)verlof|congedo (?:parentale|di maternita|di paternita|per malattia)|(?:sono|saro) in (?:congedo|trasferta|viaggio)",
        r"|viaje de trabajo|sin acceso (?:frecuente )?al correo|de baja (?:medica|por)|baixa medica|de baixa|nao me encontro no escritorio|encontro-me (?:ausente|fora|de ferias|de baixa|em viagem)",
        r"|on the road|(?:replies|responses) (?:will|may) be (?:slow|delayed)|limited (?:access|connectivity|signal|reception)",
        r"|auf (?:einer |der )?(?:konferenz|messe|schulung|dienstreise|geschaftsreise|fortbildung)|(?:dienst|geschafts)reise|in schulung|op (?:cursus|training|reis)|zakenreis",
        r"|(?:in|em|en) (?:formazione|formacao|formacion)|viaggio di lavoro|viagem de (?:negocios|trabalho)|viaje de negocios|in aspettativa|excedencia|de folga|sabbatical",
        r"|no (?:estare|estoy) en la oficina|(?:estoy|estare) disfrutando|ne suis pas au bureau|non saro in ufficio|nicht im haus",
        r"|fora do escritorio|(?:estou|estarei) (?:de ferias|em ferias|ausente|fora|em viagem|de licenca)|de ferias|ausente ate",
        r"|(?:retorno|volto|retornarei|regresso) (?:em|na|no|a partir|ao escritorio|dia)|em viagem|licenca[- ]maternidade|sem acesso (?:regular )?ao e-?mail",
        r"|(?:automatic reply|automatische antwort|reponse automatique|respuesta automatica|risposta automatica",
        r"|automatisch antwoord|resposta automatica)\s*:?\s*(?:out|abwes|absen|fuera|fuori|afwez|ausen|ferie|vacan|conge|urlaub))"
    ))
});

/// Absence words a person may also write ("some of them are on leave", "I'm travelling, will look
/// next week"): an absence notice only with the other marks of one (a return date, someone to
/// contact meanwhile, no question).
pub static ABSENCE_HINT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:en conges?|congreso|conferencia|kongress|congres|de viaje|sono fuori|estoy fuera|im urlaub|on holiday|on vacation|travell?ing|ferien|vakantie|ferias|ferie|volto|vuelvo|regreso|retorno|rientro|torno|zuruck|terug|de retour|back (?:on|in the office)|evento|congresso|conference|konferenz|salon|messe|feria|fiera|beurs)\b",
    )
});

/// What absence notices add: someone to contact meanwhile, a promise to answer on return.
pub static ABSENCE_MARKS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:urgent|dringend|urgence|urgente|urgenti|spoedeisend|dringende|in my absence|in meiner abwesenheit|en mon absence|en mi ausencia|durante la mia assenza|tijdens mijn afwezigheid|na minha ausencia|when i (?:return|get back)|nach meiner ruckkehr|a mon retour|a mi regreso|al mio rientro|bij terugkomst|no meu retorno|ao retornar|as soon as possible|so bald wie moglich|schnellstmoglich|des que possible|lo antes posible|cuanto antes|appena possibile|zo snel mogelijk|assim que possivel|o quanto antes)\b",
    )
});

/// Other automatic answers: ticket systems, unmonitored mailboxes, read receipts, departures.
pub static AUTO_REPLY: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:automatic reply|auto-?reply|autoresponder|auto-?response|this is an automated (?:message|response|reply|e-?mail|notification)",
        r"|(?:do not|don't|please do not) reply to this|this (?:mailbox|inbox|address|e-?mail address) is (?:not|no longer) (?:monitored|in use|checked|read|attended)",
        r"|(?:not monitored|unmonitored|unattended) (?:mailbox|inbox)|(?:we have|we've) received your (?:e-?mail|message|request|inquiry|enquiry)",
        r"|thank you for (?:contacting|your (?:e-?mail|message|request|inquiry))(?:[^.\n]{0,60})(?:we will|we'll|our team|within|as soon)",
        r"|(?:ticket|case|request|incident)(?: number| no\.?| id)?\s?[#:]?\s?[a-z]{0,4}-?\d{3,}|your (?:request|message|ticket) has been (?:received|created|logged|opened)",
        r"|(?:no longer|not longer) (?:with|at|employed|works? (?:at|for)|working (?:at|for))|(?:has|have) left (?:the company|\w+)",
        r"|descontinuad[oa]|discontinued|eingestellt|dismess[oa]|opgeheven|non fa piu parte|non e piu presidiat[oa]|no longer (?:monitored|staffed)",
        r"|cambian de dominio|changent de domaine|domain (?:change|is changing)|neue domain|nieuw domein|mudanca de dominio|nuovo dominio",
        r"|(?:il suo|su|votre|ihre|your|uw|sua) (?:messaggio|mensaje|message|nachricht|bericht|mensagem) (?:e stato|ha sido|a (?:bien )?ete|wurde|is|foi) (?:ricevuto|recibido|recu|transmis|empfangen|weitergeleitet|ontvangen|recebid[oa]|inoltrato)",
        r"|read receipt|return receipt|(?:was|has been) (?:read|displayed) on|your message .{0,80} was read",
        r"|automatische (?:antwort|nachricht|ruckmeldung)|(?:ihre|deine) (?:anfrage|nachricht|e-?mail) (?:ist|wurde) (?:bei uns )?(?:eingegangen|erhalten)",
        r"|wir haben ihre (?:anfrage|nachricht|e-?mail) erhalten|dieses postfach wird nicht|nicht mehr (?:im unternehmen|bei (?:uns|der firma)) (?:tatig|beschaftigt)|bitte antworten sie nicht",
        r"|lesebestatigung|reponse automatique|nous avons (?:bien )?recu votre|votre (?:demande|message) a (?:bien )?ete",
        r"|cette (?:adresse|boite) n'est pas|ne (?:fait|travaille) plus (?:partie|chez|pour)|merci de ne pas repondre|accuse de (?:reception|lecture)",
        r"|respuesta automatica|hemos recibido su|su (?:solicitud|mensaje|consulta) (?:ha sido|fue) recibid|(?:ya no|no) trabaja (?:mas )?en",
        r"|este buzon no|no responda a este|confirmacion de lectura|risposta automatica|abbiamo ricevuto (?:la sua|il suo|la vostra)",
        r"|la sua (?:richiesta|segnalazione) e stata|non lavora piu|(?:questa|questo) (?:casella|indirizzo) non|non rispondere a questa|conferma di lettura",
        r"|automatisch antwoord|(?:we|wij) hebben uw (?:bericht|aanvraag|e-?mail) ontvangen|uw (?:aanvraag|melding|bericht) is ontvangen|niet meer werkzaam",
        r"|(?:deze|dit) (?:mailbox|adres) wordt niet|niet beantwoorden|leesbevestiging|resposta automatica|recebemos (?:sua|seu|a sua|o seu)",
        r"|sua (?:solicitacao|mensagem) foi recebida|nao (?:faz|trabalha) mais|(?:esta|este) (?:caixa|endereco) nao|nao responda|confirmacao de leitura",
        r"|chamado (?:n|numero|#)|protocolo (?:n|numero|#)|numero de (?:ticket|caso|solicitud|chamado|protocolo)",
        r"|type your reply above this line|scrivi la tua risposta sopra|antworten sie oberhalb|repondez au-dessus|responda por encima|reageer boven",
        r"|nous l'avons bien recu|dans les plus brefs delais|abbiamo ricevuto la tua|hemos recibido tu|recebemos a sua|wir haben deine",
        r"|(?:e-?mail(?:-adresse)?|address|adresse|direccion|indirizzo|adres|endereco)(?: de (?:correo|e-?mail))? (?:has changed|hat sich geandert|a change|ha cambiado|e cambiato|is gewijzigd|mudou)",
        r"|(?:is no longer active|ist nicht mehr aktiv|n'est plus (?:active|utilisee|valide)|ya no esta activ[oa]|non e piu attiv[oa]|is niet meer actief|nao esta mais ativ[oa])",
        r"|(?:wird|will be) (?:zum \S+ )?(?:abgeschaltet|deactivated|deaktiviert)",
        r"|(?:isn't|is not) (?:monitored|being monitored|read)|(?:n'est|ne sont) pas (?:consultee?s?|lue?s?|surveillee?s?)|no (?:se )?(?:revisa|monitorea)|(?:being|is being) retired|en desuso|dejara de (?:funcionar|estar)",
        r"|due to (?:high|the high|a high) volume|(?:responses|replies) may take|appreciate your patience|reference(?: number)?:\s*[a-z]{0,5}-?\d",
        r"|(?:opening|office|business|support) hours|horario de atencion|horario de atendimento|orari(?:o)? di (?:apertura|ufficio|assistenza)|openingstijden|geschaftszeiten|heures d'ouverture",
        r"|(?:this is an|este es un|c'est un|ceci est un|dies ist eine|questo e un|dit is een|esta e uma|esta e um) (?:automatic|automated|mensaje automatico|message automatique|automatische|messaggio automatico|automatisch|mensagem automatica)",
        r"|mensaje automatico|message automatique|messaggio automatico|mensagem automatica|aviso automatico|automatisch (?:gegenereerd|verzonden)|automatisch (?:erstellt|generiert)",
        r"|protecting myself from (?:receiving )?(?:junk|spam)|complete the verification|verify (?:that )?you are (?:a )?human|sender verification)"
    ))
});

/// Subjects of read receipts and automatic replies.
pub static AUTO_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:read|gelesen|lu|leido|letto|gelezen|lida|lido|odczytano|last|læst|lest)\s*:|^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|automatische antwort|reponse automatique|respuesta automatica|risposta automatica|automatisch antwoord|resposta automatica)\b|^\s*\[?(?:ticket|case|request|anfrage|demande|solicitud|richiesta|aanvraag|chamado)\s?#?\s?[a-z]{0,4}-?\d+",
    )
});

/// Opening hours ("Monday to Friday, 9:00 to 17:00"): a service desk's notice, not a time offered.
pub static OPENING_HOURS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:monday|lunes|lundi|montag|lunedi|maandag|segunda(?:-feira)?|mon)\.?\s*(?:to|a|al|au|bis|-|–|tot|through|thru|t/m|ao|ate)\s*(?:friday|viernes|vendredi|freitag|venerdi|vrijdag|sexta(?:-feira)?|fri|saturday|sabado|samedi|samstag|sabato|zaterdag)\b",
    )
});

/// Senders that never read answers.
pub fn no_reply_sender(email: &str) -> bool {
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    ["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "notifications", "mailer-daemon", "postmaster"]
        .iter()
        .any(|p| local == *p || local.starts_with(&format!("{p}+")) || local.starts_with(&format!("{p}-")))
}

/// A delivery status notification: the failed recipient, whether the failure is permanent, and the
/// Message-IDs of the original it returns (to match it to our introduction).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Bounce {
    pub hard: bool,
    pub recipient: Option<String>,
    /// The DSN status code ("5.1.1"), or the words that said it.
    pub status: String,
    pub original_ids: Vec<String>,
}

static DSN_STATUS: LazyLock<Regex> = LazyLock::new(|| re(r"(?im)^\s*status:\s*([245])\.(\d{1,3})\.(\d{1,3})"));
static DSN_ACTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?im)^\s*action:\s*(failed|delayed|delivered|relayed|expanded)"));
static DSN_RECIPIENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?im)^\s*(?:final|original)-recipient:\s*(?:rfc822;\s*)?<?([^\s<>;]+@[^\s<>;]+)>?"));
static EMBEDDED_ID: LazyLock<Regex> = LazyLock::new(|| re(r"(?im)^\s*message-id:\s*<([^>\s]+)>"));
static SMTP_CODE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b([45])[0-9]{2}[ -]([45])\.(\d{1,3})\.(\d{1,3})\b|\b([45])\.(\d)\.(\d{1,3})\b"));
static BOUNCE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:undeliverable|undelivered mail|delivery (?:status notification|has failed|failure|incomplete)|mail delivery (?:failed|failure|subsystem)",
        r"|returned mail|could not be delivered|couldn't be delivered|failure notice|message not delivered|delivery delayed",
        r"|unzustellbar|nicht zugestellt|zustellung (?:fehlgeschlagen|verzogert)|non remis|echec de (?:la )?(?:remise|distribution)|non distribue",
        r"|no se (?:puede|pudo) entregar|no entregado|error de entrega|non recapitabile|mancato recapito|impossibile recapitare",
        r"|onbestelbaar|niet (?:afgeleverd|bezorgd)|nao (?:foi possivel )?entregue|falha na entrega|nao pode ser entregue)\b"
    ))
});
static HARD_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:user unknown|unknown user|no such user|does not exist|doesn't exist|address rejected|recipient (?:address )?rejected",
        r"|mailbox (?:unavailable|not found|does not exist)|invalid (?:recipient|address|mailbox)|domain (?:not found|does not exist)",
        r"|host (?:not found|unknown)|no mx|account (?:disabled|has been disabled|is disabled)|unbekannt|existiert nicht|inexistant",
        r"|n'existe pas|no existe|inesistente|non esiste|bestaat niet|onbekend|nao existe|desconhecido)\b"
    ))
});
static SOFT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:mailbox (?:is )?full|over (?:quota|the quota)|quota exceeded|delayed|will (?:retry|keep trying|continue)|temporar(?:y|ily)",
        r"|try again later|postfach (?:ist )?voll|voruebergehend|vorubergehend|boite (?:pleine|saturee)|temporaire|buzon lleno",
        r"|temporal|casella piena|temporane[oa]|mailbox vol|tijdelijk|caixa (?:cheia|lotada)|temporari[oa])\b"
    ))
});

static DELIVERED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:has been delivered|was delivered|successfully delivered|wurde (?:erfolgreich )?zugestellt|a ete (?:remis|distribue)|ha sido entregado|e stato consegnato|is (?:afgeleverd|bezorgd)|foi entregue)\b",
    )
});

/// Reads a bounce from the raw message, its content type and its sender. `None` for anything else.
pub fn bounce(raw: &str, content_type: &str, from: &str, subject: &str) -> Option<Bounce> {
    let ct = content_type.to_lowercase();
    // A read receipt (a disposition notification) is a report too, but not a failure.
    let report = ct.contains("delivery-status") || (ct.contains("multipart/report") && !ct.contains("disposition"));
    let daemon = {
        let local = from.split('@').next().unwrap_or("").to_lowercase();
        matches!(local.as_str(), "mailer-daemon" | "postmaster" | "mail-daemon" | "maildelivery")
            || local.starts_with("mailer-daemon")
            || local.starts_with("bounce")
    };
    // What a mail daemon sends is a delivery report, whatever its words.
    if !report && !daemon && !BOUNCE_WORDS.is_match(&super::lexicon::fold(subject)) {
        return None;
    }
    let folded = super::lexicon::fold(raw);
    let status = DSN_STATUS.captures(raw).map(|c| format!("{}.{}.{}", &c[1], &c[2], &c[3])).or_else(|| {
        SMTP_CODE.captures(raw).and_then(|c| {
            if let (Some(a), Some(b), Some(d)) = (c.get(2), c.get(3), c.get(4)) {
                Some(format!("{}.{}.{}", a.as_str(), b.as_str(), d.as_str()))
            } else if let (Some(a), Some(b), Some(d)) = (c.get(5), c.get(6), c.get(7)) {
                Some(format!("{}.{}.{}", a.as_str(), b.as_str(), d.as_str()))
            } else {
                None
            }
        })
    });
    let action = DSN_ACTION.captures(raw).map(|c| c[1].to_lowercase());
    if DELIVERED.is_match(&folded) && status.as_deref().is_none_or(|s| s.starts_with('2')) {
        return None;
    }
    if action.as_deref() == Some("delivered") || action.as_deref() == Some("relayed") {
        return None;
    }
    let hard = match (status.as_deref(), action.as_deref()) {
        (Some(s), _) if s.starts_with('5') => true,
        (Some(s), _) if s.starts_with('4') => false,
        (_, Some("delayed")) => false,
        (_, Some("failed")) => !SOFT_WORDS.is_match(&folded),
        _ => HARD_WORDS.is_match(&folded) || !SOFT_WORDS.is_match(&folded),
    };
    let recipient = DSN_RECIPIENT.captures(raw).map(|c| c[1].trim().to_lowercase());
    let original_ids = EMBEDDED_ID.captures_iter(raw).map(|c| c[1].to_string()).collect();
    let status = status.unwrap_or_else(|| if hard { "permanent failure".into() } else { "temporary failure".into() });
    Some(Bounce { hard, recipient, status, original_ids })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dsn_is_a_bounce_with_its_recipient_and_original() {
        let raw = "From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\n\nThis is the mail system.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.acme.example\n\nFinal-Recipient: rfc822; jen@acme.example\nAction: failed\nStatus: 5.1.1\n--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <drf_1.abc@vendor.example>\nSubject: Acme\n--b--\n";
        let b = bounce(
            raw,
            "multipart/report; report-type=delivery-status",
            "MAILER-DAEMON@mx.acme.example",
            "Undelivered Mail Returned to Sender",
        )
        .expect("a bounce");
        assert!(b.hard);
        assert_eq!(b.recipient.as_deref(), Some("jen@acme.example"));
        assert_eq!(b.status, "5.1.1");
        assert_eq!(b.original_ids, vec!["drf_1.abc@vendor.example"]);
        let soft = "From: postmaster@x.example\nSubject: Delivery delayed\n\nYour message is delayed: mailbox full, will retry. 452 4.2.2";
        let b = bounce(soft, "text/plain", "postmaster@x.example", "Delivery Status Notification (Delay)")
            .expect("a bounce");
        assert!(!b.hard);
        assert_eq!(bounce("Hi", "text/plain", "jen@acme.example", "Re: seats"), None);
    }
}
