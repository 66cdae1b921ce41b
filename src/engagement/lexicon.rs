//! The words of a reply's meaning, in English, German, French, Spanish, Italian, Dutch and Portuguese.
//! Patterns are matched against the folded text ([`fold`]: lowercase, accents removed, one kind of
//! apostrophe), so they are written in plain ASCII. Each list is one category of meaning; the
//! decision in `classify` weighs them (negation, contrast, refusals beating dates).

use std::sync::LazyLock;

use regex::Regex;

/// Lowercase, accents removed (é → e, ß → ss), curly apostrophes straightened, whitespace kept.
pub fn fold(text: &str) -> String {
    fold_mapped(text).0
}

/// [`fold`], with the byte offset in `text` of every byte of the result (and one past the end), so
/// that a match in the folded text can be quoted as the customer wrote it.
pub fn fold_mapped(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        let before = out.len();
        match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => out.push('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => out.push('o'),
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => out.push('u'),
            'ç' | 'Ç' => out.push('c'),
            'ñ' | 'Ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ł' | 'Ł' => out.push('l'),
            '’' | '‘' | '`' | '´' => out.push('\''),
            '“' | '”' | '«' | '»' | '„' => out.push('"'),
            '–' | '—' => out.push('-'),
            '\u{a0}' => out.push(' '),
            c => out.extend(c.to_lowercase()),
        }
        map.extend(std::iter::repeat_n(at, out.len() - before));
    }
    map.push(text.len());
    (out, map)
}

fn compile<S: AsRef<str>>(name: &str, patterns: &[S]) -> Regex {
    // Anchored patterns (a whole-message answer) carry their own ends; the rest match whole words.
    let joined = patterns
        .iter()
        .map(|p| match p.as_ref() {
            p if p.starts_with('^') => format!("(?:{p})"),
            // A pattern that ends at the end of a sentence carries its own end.
            p if p.ends_with("$)") => format!(r"\b(?:{p})"),
            p => format!(r"\b(?:{p})\b"),
        })
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&joined).unwrap_or_else(|e| unreachable!("lexicon `{name}` does not compile: {e}"))
}

macro_rules! lexicon {
    ($(#[$doc:meta])* $name:ident, [$($p:expr),* $(,)?]) => {
        $(#[$doc])*
        pub static $name: LazyLock<Regex> = LazyLock::new(|| compile(stringify!($name), &[$($p),*]));
    };
}

const DAYS: &str = "(?:monday|tuesday|wednesday|thursday|friday|mon|tue|tues|wed|thu|thurs|fri|tomorrow|montag|dienstag|mittwoch|donnerstag|freitag|morgen|lundi|mardi|mercredi|jeudi|vendredi|demain|lunes|martes|miercoles|jueves|viernes|manana|lunedi|martedi|mercoledi|giovedi|venerdi|domani|maandag|dinsdag|woensdag|donderdag|vrijdag|segunda(?:-feira)?|terca(?:-feira)?|quarta(?:-feira)?|quinta(?:-feira)?|sexta(?:-feira)?|amanha)";

lexicon!(
    /// Phrases that look negative but say yes: "no problem", "not against", "why not".
    NEGATED_NO,
    [
        r"no (?:problem|worries|objection)s?",
        r"not (?:against|opposed to)(?: (?:it|that|a call|the idea|talking|a chat))?",
        r"(?:i'm|i am|we're|we are) not against",
        r"why not",
        r"(?:nao vejo|no veo|non vedo|ik zie geen) (?:problema|problemi|probleem)s?",
        r"(?:ich sehe|je ne vois) (?:kein|pas de) (?:problem|probleme)",
        r"not bad",
        r"(?:no me parece mal|nao me parece mal|non mi sembra male|(?:das )?klingt nicht schlecht|pas mal du tout|niet slecht)",
        r"(?:can't|cannot|couldn't) hurt",
        r"(?:doesn't|does not|wouldn't|won't) hurt to (?:talk|chat|look)",
        r"kein(?:e)? (?:problem|einwande)",
        r"nichts dagegen",
        r"(?:spricht|sprich) nichts dagegen",
        r"warum (?:auch )?nicht",
        r"pas de (?:probleme|souci|soucis)",
        r"aucun (?:probleme|souci)",
        r"(?:je ne suis|nous ne sommes|ne suis|ne sommes) pas contre",
        r"pas contre",
        r"pourquoi pas",
        r"sin (?:problema|inconveniente)s?",
        r"no hay (?:problema|inconveniente)",
        r"no (?:tengo|tenemos) (?:problema|inconveniente)",
        r"no (?:me|nos) (?:opongo|oponemos)",
        r"por que no",
        r"nessun (?:problema|inconveniente)",
        r"non (?:sono|siamo) contrari[oa]?",
        r"perche no",
        r"geen (?:probleem|bezwaar)",
        r"(?:niks|niets) op tegen",
        r"waarom niet",
        r"sem problema",
        r"nao (?:tem|ha) problema",
        r"nao (?:me|nos) (?:oponho|opomos)",
        r"por que nao",
    ]
);

lexicon!(
    /// "No need for a call": the call is declined, not the offer ("free up the 17, no need for a call").
    NO_CALL_NEEDED,
    [
        r"no need (?:for|of) (?:a |the )?(?:call|meeting|chat)",
        r"no (?:call|meeting) (?:needed|necessary|required)",
        r"(?:pas|aucun) besoin (?:d'(?:un )?appel|de (?:call|rendez-vous|reunion|rdv))",
        r"(?:kein|keinen) (?:termin|call|anruf|gesprach) (?:notig|erforderlich|noetig)",
        r"no (?:hace falta|es necesaria|necesito|necesitamos) (?:una )?(?:llamada|reunion)",
        r"non (?:serve|c'e bisogno di) (?:una )?(?:call|chiamata|riunione)",
        r"geen (?:call|afspraak|gesprek) nodig",
        r"nao (?:precisa|precisamos)(?: de)? (?:reuniao|ligacao|call)",
    ]
);

lexicon!(
    /// Asking not to be written to again.
    UNSUBSCRIBE,
    [
        r"unsubscribe",
        r"remove (?:me|us|my (?:e-?mail|address))",
        r"take (?:me|us) off",
        r"stop (?:e-?mailing|contacting|sending|writing)",
        r"opt (?:me )?out",
        r"(?:do not|don't|dont) (?:contact|email|e-mail|write to) (?:me|us)(?: again| anymore)?",
        r"no (?:more|further) (?:e-?mails|messages|contact)",
        r"off (?:your|this) (?:list|mailing list)",
        r"abmelden",
        r"(?:melden|tragen) sie mich (?:bitte )?(?:ab|aus)",
        r"austragen",
        r"keine (?:weiteren )?(?:e-?mails|nachrichten|mails)(?: mehr)?",
        r"nicht (?:mehr|weiter) (?:kontaktieren|anschreiben|schreiben)",
        r"(?:entfernen|loschen) sie (?:mich|meine)",
        r"desinscri\w*",
        r"desabonn\w*",
        r"(?:retirez|supprimez|enlevez)[- ]moi",
        r"ne (?:plus|pas) me (?:contacter|recontacter|ecrire|envoyer)",
        r"ne plus (?:recevoir|etre contacte)",
        // "Darme de baja" is unsubscribing; "las licencias que se pueden dar de baja" is not.
        r"(?:darme|darnos|dame|denme|me (?:puedes|pueden|podrias|podrian) dar|quiero dar(?:me)?) de baja",
        r"(?:nehmen|streichen|entfernen) sie mich (?:bitte )?(?:aus|von)",
        r"aus (?:ihrem|dem|eurem) (?:verteiler|newsletter)",
        r"remove me from (?:your|the|this) (?:mailing )?list",
        r"(?:eliminen|eliminar|quiten|sacar|saquen|retiren|retiraran|retirar)(?:me|nos)? (?:de (?:la|su|sus|esta|los) (?:lista|listas|envios|correos|comunicaciones)|mi (?:correo|direccion))",
        r"no (?:me|nos) (?:contacten|escriban|envien|manden) mas",
        r"no (?:quiero|queremos) recibir",
        r"(?:cancellatemi|cancellami|rimuovetemi|rimuovimi|toglietemi)",
        r"disiscriv\w*",
        r"non (?:contattatemi|scrivetemi|mandatemi|inviatemi) piu",
        r"non (?:voglio|vogliamo) (?:piu )?ricevere",
        r"afmelden",
        r"uitschrijven",
        r"(?:verwijder|haal) (?:me|mij|ons)",
        r"geen (?:e-?mails|mails|berichten) meer",
        r"niet meer (?:mailen|benaderen|contacteren)",
        r"descadastr\w*",
        r"(?:remova|removam|remover|retire|tirem)(?:-me)? (?:meu|da lista|o meu|me da)",
        r"nao (?:me )?(?:envie|enviem|mande|mandem|contate|contatem) mais",
        r"(?:parem|pare) de (?:enviar|mandar|me contatar)",
        r"nao (?:quero|queremos) (?:mais )?receber",
    ]
);

lexicon!(
    /// A clear no.
    REFUSAL,
    [
        r"not (?:really |at all |currently |right now )?interested",
        r"no (?:real )?interest",
        r"(?:no|zero) budget",
        r"(?:don't|do not|doesn't|does not|won't|will not) have (?:the |any |a )?budget",
        r"budget (?:is|has been|was|got) (?:frozen|cut|spent|gone|tight)",
        r"not in (?:the|our|this year's|next year's) budget",
        r"not a priority",
        r"not (?:looking|planning|going) to (?:expand|upgrade|add|grow|spend|buy|change|move|renew)",
        r"(?:we're|we are) (?:all )?(?:set|good|fine|happy|ok|okay) (?:for now|with what we have|as (?:we are|is)|with (?:our|the) current)",
        r"(?:happy|fine|content|satisfied) with (?:what we have|our current|the current|how things are)",
        r"no,? thanks?",
        r"no,? thank you",
        r"thanks,? but no",
        r"(?:we'll|we will|i'll|i will|going to|gonna|we're going to) pass(?: on (?:this|that|it|the \w+)| for now| this time)?(?:[.!,;)]|\s*$)",
        r"pass on (?:this|that|it)",
        r"(?:cutting|scaling) back",
        r"(?:reduce|reducing|cut|cutting|lower|lowering|drop|dropping) (?:our |the |some )?(?:seats|licen[cs]es|spend|users|headcount|plan)",
        r"headcount (?:is )?(?:going down|shrinking|reduced|falling|dropping)",
        r"downgrad\w*",
        r"not for us",
        r"not something (?:we|i) need",
        r"no need (?:to (?:upgrade|expand|add|change)|for (?:more|an upgrade|enterprise|additional))",
        r"(?:won't|will not|are not|aren't|not) (?:be )?(?:upgrading|expanding|renewing|adding|moving forward|proceeding|going ahead)",
        r"(?:won't|will not|don't|do not) need (?:more|any|additional|extra|the|it|this)",
        r"(?:not|won't|will not) (?:be )?pursu\w*",
        r"(?:neither|not either) (?:option|of the (?:two|options))",
        r"(?:in-house|in house|another|a different|our own) (?:solution|system|platform|tool|package)",
        r"(?:no|not any) (?:meeting|call|appointment)s? (?:needed|necessary|please)",
        r"(?:neither|none) of (?:them|the two|those|these)",
        r"(?:don't|do not) (?:see|have) (?:a |any )?(?:need|use case)",
        r"(?:purchas\w*|budget|spend\w*|software|compra\w*|achat\w*|einkauf\w*|acquist\w*|inkoop|aankop\w*|investiment\w*|investissement\w*|gastos?) .{0,40}\b(?:frozen|on hold|suspended|congelad\w*|suspendid\w*|suspens\w*|eingefroren|gestoppt|gele\w*|bloque\w*|congelat\w*|sospes\w*|bevroren|stilgezet|congelad\w*|suspens\w*|parad\w*)",
        r"(?:freeze|hiring freeze|spending freeze|einfrieren|gel des (?:achats|depenses)|congelamiento|blocco degli acquisti|inkoopstop|congelamento)",
        r"(?:fine|good|ok|okay) (?:as (?:it is|is|we are)|the way (?:it is|things are))",
        r"(?:so wie es ist|wie gehabt)",
        r"(?:comme (?:ca|c'est)|en l'etat)",
        r"(?:asi como esta|como estamos|tal como esta)",
        r"(?:cosi com'e|cosi come siamo)",
        r"(?:zo laten|zoals het is)",
        r"(?:do jeito que esta|como esta|deixa quieto|deixa pra la)",
        r"(?:optamos|decidimos|hemos decidido|abbiamo deciso|abbiamo scelto|we(?:'ve| have)? decided|wir haben (?:uns )?entschieden|nous avons decide|we hebben besloten|resolvemos) (?:por |to |a |de |di )?(?:manter|mantener|keep|stay|mantenere|restare|rester|conserver|behalten|bleiben|houden|blijven|seguir)",
        r"(?:keep|stay with|stick with|stay on) (?:our|the) (?:current|existing)",
        r"(?:piattaforma|plattform|plateforme|plataforma|platform|tool|strumento|sistema|system) (?:scelt[ao]|gewahlt|choisie?|elegid[ao]|escolhid[ao]|chosen) (?:dalla|von der|vom|par|por|pela|pelo|by)",
        r"(?:consolidat\w*|konsolidier\w*|consolid\w*) (?:gerade )?(?:all|alle|tous|todas|todos|tutti|tutte)",
        r"(?:wir )?wechseln (?:im|zum|ab|zu|auf)",
        r"passiamo (?:alla|a un'?altra|ad un'?altra|al) (?:piattaforma|soluzione|sistema|fornitore)",
        r"(?:no (?:nos )?encaja|nicht passend fur uns|ne nous convient pas|non fa al caso nostro|past niet bij ons|nao se encaixa)",
        r"(?:can't|cannot) justify",
        r"(?:moving|switching|migrating|changing|going) (?:over )?to (?:another|a different|a new|a cheaper|an?other) (?:vendor|provider|tool|platform|solution|supplier)",
        r"(?:another|a different|a cheaper|other) (?:vendor|provider|supplier)",
        r"(?:switching|changing) (?:vendors|providers|suppliers)",
        r"(?:won't|will not|not going to|don't plan to|do not plan to) renew",
        r"(?:cancel|cancelling|canceling|terminate|terminating) (?:our|the) (?:contract|subscription|account|plan)",
        r"(?:please )?(?:don't|do not) (?:book|schedule|send|set up)",
        r"nope",
        r"not (?:at this time|this year)",
        r"kein(?:erlei)? interesse",
        r"(?:nicht|nicht mehr) interessiert",
        r"kein(?:en)? (?:budget|bedarf)",
        r"(?:brauchen|benotigen) wir (?:derzeit |aktuell )?nicht",
        r"nein,? danke",
        r"(?:sind|bin) (?:sehr |vollig )?zufrieden (?:mit|so)",
        r"(?:anbieter|lieferanten) wechseln",
        r"(?:zu|auf) (?:einem |einen )?(?:anderen|neuen|gunstigeren) anbieter",
        r"(?:kundigen|reduzieren|verkleinern)",
        r"weniger (?:lizenzen|nutzer|plätze|platze|seats)",
        r"nicht verlangern",
        r"(?:vertrag|abo|abonnement) (?:lauft|endet) (?:dann |zum \S+ )?aus",
        r"(?:auf|zu) (?:ein|einem|einen) (?:anderes|anderen) (?:system|tool|produkt|anbieter)",
        r"(?:nicht|kein) (?:erweitern|upgraden|aufstocken|upgrade)",
        r"(?:keinen|kein) (?:termin|gesprach|call)",
        r"weder noch",
        r"keine der (?:beiden|zwei)",
        r"keine prioritat",
        r"(?:bitte )?(?:keine termine|nichts (?:buchen|einplanen))",
        r"buchen sie (?:bitte )?(?:nichts|keinen termin)",
        r"pas (?:vraiment )?interesse",
        r"(?:ne suis|ne sommes) pas (?:interesse|interesses|interessee)",
        r"aucun interet",
        r"pas (?:de|le) budget",
        r"non,? merci",
        r"pas (?:besoin|pour nous)",
        r"(?:nous allons|on va|je vais) passer (?:notre|mon) tour",
        r"(?:changer|changeons) de (?:fournisseur|prestataire|solution|outil)",
        r"(?:un autre|autre) (?:fournisseur|prestataire)",
        r"(?:reduire|resilier|resilions|reduisons)",
        r"ne pas renouveler",
        r"(?:ne (?:renouvellerons|renouvelerons)|pas renouveler)",
        r"pas une priorite",
        r"(?:ne|n') ?(?:donnerons|donnera|donnerai) pas suite",
        r"ne (?:renouvellera|renouvellerons|renouvelera) pas",
        r"inutile de (?:prevoir|planifier|reserver|nous|me)",
        r"(?:aucune|ni l'une ni l'autre) des deux",
        r"pas (?:de|d'autre) (?:rendez-vous|rdv|appel|reunion)",
        r"ne (?:reservez|planifiez|prevoyez) rien",
        r"(?:satisfaits|contents) de (?:notre|la|nos) ",
        r"no (?:estoy|estamos) interesad[oa]s?",
        r"no (?:nos|me) interesa",
        r"sin presupuesto",
        r"no (?:tenemos|hay|tengo) presupuesto",
        r"no,? gracias",
        r"no (?:lo )?necesitamos",
        r"no es para nosotros",
        r"(?:cambiar|cambiamos|cambiaremos) de proveedor",
        r"otro proveedor",
        r"(?:reducir|reduciremos|reducimos|cancelar|cancelaremos)",
        r"no (?:vamos a )?renovar",
        r"no es (?:una )?prioridad",
        r"no tiene sentido",
        r"no (?:vamos a )?(?:ampliar|contratar|crecer|sumar)",
        r"(?:a|hacia) otra (?:plataforma|herramienta|solucion)",
        r"ninguna de las dos",
        r"(?:ninguna|no) (?:reunion|llamada)",
        r"no (?:agenden|agendes|reserven|programen) nada",
        r"estamos bien (?:asi|como estamos)",
        r"(?:contentos|satisfechos) con (?:lo que tenemos|nuestro|el plan)",
        r"non (?:sono|siamo) interessat[oi]",
        r"non (?:ci|mi) interessa",
        r"nessun interesse",
        r"(?:non abbiamo|niente|nessun) budget",
        r"no,? grazie",
        r"non (?:ne )?abbiamo bisogno",
        r"non fa per noi",
        r"cambi(?:are|eremo|amo) fornitore",
        r"(?:altro|un altro|nuovo) fornitore",
        r"(?:ridurre|ridurremo|disdire|disdetta)",
        r"non (?:rinnovare|rinnoveremo)",
        r"non e una priorita",
        r"nessuna delle due",
        r"(?:va bene|stiamo bene|restiamo) cosi(?: com'e)?",
        r"non (?:intendiamo|vogliamo|possiamo) (?:ampliare|aggiungere|rinnovare|passare)",
        r"(?:ad un|a un|un) altr[oa] (?:piattaforma|sistema|soluzione)",
        r"nessun (?:appuntamento|incontro)",
        r"non (?:fissate|fissare|prenotate) (?:nulla|niente)",
        r"siamo a posto",
        r"geen (?:interesse|budget|behoefte)",
        r"niet geinteresseerd",
        r"nee,? (?:dank(?:je|u)(?: wel)?|bedankt)",
        r"niet nodig",
        r"niet voor ons",
        r"overstappen (?:naar|op)",
        r"(?:andere|nieuwe) (?:leverancier|aanbieder)",
        r"(?:afschalen|verminderen|opzeggen|minder licenties)",
        r"niet verlengen",
        r"geen prioriteit",
        r"(?:hoeft|hoeven) (?:het )?niet",
        r"geen (?:afspraak|call|gesprek)",
        r"terug naar \d+ (?:licenties|gebruikers)",
        r"(?:ander|andere) (?:pakket|systeem|platform|oplossing)",
        r"geen van (?:beide|de twee)",
        r"niet (?:uitbreiden|upgraden|verlengen)",
        r"plan (?:alsjeblieft |aub )?niets in",
        r"(?:we zijn|zijn) tevreden",
        r"nao (?:tenho|temos) interesse",
        r"nao (?:estou|estamos) interessad[oa]s?",
        r"sem interesse",
        r"sem orcamento",
        r"nao (?:temos|ha|tenho) orcamento",
        r"nao,? obrigad[oa]",
        r"nao (?:precisamos|e necessario)",
        r"nao e para nos",
        r"(?:mudar|trocar|mudaremos|trocaremos) de (?:fornecedor|ferramenta|plataforma)",
        r"outro fornecedor",
        r"(?:reduzir|reduziremos|cancelar|cancelaremos)",
        r"nao (?:vamos )?renovar",
        r"nao e (?:uma )?prioridade",
        r"nao faz sentido",
        r"nao (?:vamos )?(?:ampliar|contratar|expandir)",
        r"(?:para|a) outra (?:plataforma|ferramenta|solucao)",
        r"nenhuma das duas",
        r"(?:nenhuma|sem) (?:reuniao|ligacao|call)",
        r"nao (?:marque|marquem|agende|agendem) nada",
        r"estamos bem assim",
        r"satisfeitos com",
    ]
);

lexicon!(
    /// Asking what it would cost ("what would Enterprise run us?", "ballpark?"): a question, not yet a
    /// yes. Asking for a quote or a proposal is one (`ACCEPT`).
    PRICE_QUESTION,
    [
        r"what (?:would|does|will) (?:it|that|this|the upgrade|enterprise|professional|scale|the \w+ plan|\d+ more|\w+ more) (?:cost|run|come to|be)",
        r"what (?:is|would be|'s) the (?:price|cost)",
        r"how much (?:would|does|is|will|are)",
        r"(?:your|the) pricing",
        r"ballpark",
        r"(?:was|wieviel|wie viel) (?:kostet|wurde|wurden|wuerde)",
        r"preisindikation|grossenordnung",
        r"(?:quel (?:serait|est) le (?:prix|tarif|cout)|combien (?:coute|couterait|cela couterait))",
        r"(?:les tarifs|vos tarifs|la tarification|ordre de grandeur)",
        r"cuanto (?:cuesta|costaria|sale|saldria|seria)",
        r"(?:los precios|la cotizacion)",
        r"quanto (?:costa|costerebbe|verrebbe|sarebbe)",
        r"(?:il listino|i prezzi|ordine di grandezza)",
        r"wat (?:kost|zou .{0,20} kosten)",
        r"(?:de prijzen|een prijsopgave|een indicatie)",
        r"quanto (?:custa|custaria|sai|sairia|seria)",
        r"(?:os precos|ordem de grandeza)",
    ]
);

lexicon!(
    /// A yes: agreeing to talk, proposing or accepting a time, asking for pricing, a demo, a quote.
    ACCEPT,
    [
        r"yes",
        // A yes-word said on its own in other languages ("Sí, jueves o viernes", "Vamos revisar, sim.");
        // "si" without its comma is "if".
        r"(?m:^)\s*(?:si|oui|ja|sim|claro|certo|jawohl)(?:\s*[,.!:;]|\s*(?m:$))",
        r"[,:]\s*(?:si|sim|oui|ja)(?:\s*[,.!:;]|\s*(?m:$))",
        // An inline answer: "Esto sí", "Isso sim", "Das ja", "Dit wel", "This one".
        r"(?:esto|eso|esta|este|isto|isso|essa|esse|questo|questa|das|dit|dat|ceci|cela|ca) (?:si|sim|ja|wel|oui)",
        r"yeah",
        r"(?:ok|okay|fine|good|up|happy) for a (?:call|chat|meeting|quick call|quick chat)",
        r"wel graag",
        r"graag (?:even )?(?:samen )?(?:kijken|bellen|praten|afspreken|doorlopen)",
        r"facciamo (?:una |la )?(?:call|chiamata|riunione)",
        r"hagamos (?:una |la )?(?:llamada|reunion|call)",
        r"faisons (?:un |le )?(?:appel|point|call)",
        r"(?:vamos|bora) (?:fazer|marcar) (?:uma |a )?(?:call|reuniao|ligacao)",
        r"machen wir (?:einen|ein|den) (?:call|termin|telefonat)",
        r"yep",
        r"yup",
        r"sure thing",
        r"absolutely",
        r"definitely",
        r"of course",
        r"certainly",
        r"(?:sounds|looks) (?:good|great|interesting|promising|like a plan|reasonable|fine|perfect)",
        r"let'?s (?:talk|chat|connect|meet|schedule|find a time|do (?:it|that|this)|discuss|book|go|get (?:a|something) (?:on the calendar|booked|scheduled)|move forward|set (?:it |something |a call |a time )?up|hop on|jump on|speak|proceed)",
        r"(?:happy|glad|keen|eager) to (?:chat|talk|meet|discuss|hop on|jump on|connect|set up|explore|look|hear|learn|go through|review|walk through|take|have)",
        r"(?:i'?d|i would|we'?d|we would) (?:love|like|be happy|be glad|be keen) to (?:talk|chat|meet|learn|hear|see|discuss|set up|schedule|book|go ahead|proceed|move|upgrade|add|explore|try|know more|have a (?:call|chat|demo))",
        r"(?:i'?d|we'?d|i would|we would) (?:love|welcome|appreciate|like) (?:a|an|the)(?: \w+)? (?:call|chat|demo|quote|proposal|meeting|walkthrough|conversation)",
        r"would love",
        r"(?:we(?:'re| are)|i(?:'m| am)|very|definitely|quite|really) interested",
        r"interested in (?:learning|hearing|talking|a call|a chat|the|a|more|enterprise|upgrading|adding|option|exploring|seeing)",
        r"(?:send|share|forward)(?: me| us| over)*(?: the| a| some| your)? (?:pricing|price|prices|quote|proposal|numbers|costs?|offer|details)",
        r"(?:a )?quote for",
        r"(?:preisangebot|angebot (?:zukommen|schicken|senden))",
        r"(?:un devis|una cotizacion|un preventivo|een offerte|uma cotacao|uma proposta)",
        r"(?:book|booked|schedule|scheduled|grab|grabbed|pick|picked|reserved?) (?:a |some |the )?(?:time|slot|call|meeting|demo)",
        r"(?:set|setting) up (?:a |the )?(?:call|meeting|time|demo|chat)",
        r"count (?:me|us) in",
        r"go ahead",
        r"please (?:do[.!]|proceed|go ahead)",
        r"(?:i'm|we're|i am|we are) in[.!]",
        r"(?m:^)\s*sure",
        r"sure[,.!]",
        r"(?:yes|ja|oui|si|sim),? (?:please|let'?s|go ahead|gerne|bitte|avec plaisir|por favor|per favore|graag|claro)",
        r"keen",
        r"(?:tell me|learn) more",
        r"(?:are you|you) (?:free|available)",
        r"works (?:for|with) (?:me|us)",
        r"(?:that|this|it) works",
        r"sign (?:us|me) up",
        r"ready to (?:upgrade|move|expand|add|grow|talk)",
        r"(?:upgrade|move) us",
        r"can (?:we|you) (?:get|add|upgrade|move|do|set up|schedule|book|talk|chat|meet|hop)",
        r"makes (?:a lot of |total |perfect )?sense",
        r"(?:great|perfect|good) timing",
        r"(?:great|good) idea",
        r"that would (?:help|be great|be useful|be helpful)",
        r"call me",
        r"give me a (?:call|ring)",
        r"(?:ok|okay|great|perfect),? let'?s",
        r"jawohl",
        r"(?m:^)\s*(?:ja,? )?(?:sehr )?gerne?",
        r"gerne?[.!]",
        r"(?:klingt|hort sich) (?:gut|super|interessant|spannend|vernunftig)",
        r"einverstanden",
        r"passt (?:mir|uns|gut|perfekt)",
        r"(?:lassen sie uns|lass uns|lasst uns) (?:sprechen|telefonieren|reden|austauschen|einen termin)",
        r"(?:konnen|konnten) wir (?:gerne |gern )?(?:telefonieren|sprechen|einen termin|uns (?:austauschen|kurz))",
        r"termin (?:vereinbaren|ausmachen|machen|finden)",
        r"(?:habe|hab|haben) (?:einen |ein )?(?:termin|slot|zeitfenster) (?:gebucht|eingetragen|reserviert)",
        r"(?:schicken|senden) sie (?:mir |uns )?(?:gerne |bitte )?(?:ein |das )?(?:angebot|preise|preisliste|kosten)",
        r"(?:sind|bin) (?:sehr )?interessiert",
        r"(?:haben|habe) (?:grosses |grundsatzlich )?interesse",
        r"bin dabei",
        r"gute idee",
        r"freue mich",
        r"(?:machen wir|los geht'?s)",
        r"oui",
        r"volontiers",
        r"avec plaisir",
        r"d'accord",
        r"ok pour (?:moi|nous)",
        r"(?:ca|cela) (?:me|nous) (?:va|convient|interesse)",
        r"ca marche",
        r"bonne idee",
        r"parfait",
        r"(?:je suis|nous sommes) (?:tres )?interesse",
        r"interesse(?:e|s|es)? par",
        r"parlons-en",
        r"echangeons",
        r"(?:on peut|nous pouvons|pouvons-nous|peut-on) (?:en )?(?:parler|discuter|caler|prevoir|echanger|fixer|organiser)",
        r"(?:calons|planifions|fixons|organisons|prenons) (?:un |une )?(?:appel|creneau|rendez-vous|rdv|call|point|reunion)",
        r"(?:reservez|bloquez|proposez)[- ]?(?:nous|moi)? (?:un |une |deux |des )?(?:demi-heure|heure|creneau|creneaux|appel|rendez-vous|call|date)",
        r"envoyez-(?:moi|nous) (?:un |une |les )?(?:devis|tarifs|offre|proposition|prix)",
        r"j'ai (?:reserve|pris) un creneau",
        r"allons-y",
        r"claro",
        r"por supuesto",
        r"de acuerdo",
        r"vale[,.!]",
        r"perfecto",
        r"me (?:parece|suena) (?:bien|genial|perfecto|interesante|buena idea)",
        r"suena (?:bien|genial|interesante)",
        r"(?:estoy|estamos) interesad[oa]s?",
        r"(?:nos|me) interesa",
        r"hablemos",
        r"(?:a |une |eine |una |een |uma |kurze |petite |quick |short |breve |korte )?(?:demo|demonstration|demonstratie|demonstracao|demostracion|dimostrazione|vorfuhrung)s?",
        r"(?:proposition|offre) (?:tarifaire|commerciale)",
        r"(?:faire|envoyer|transmettre) (?:une|un|la|le) (?:offre|proposition|devis)",
        r"partant(?:e|s|es)?",
        r"topo",
        r"faz (?:todo o |muito )?sentido",
        r"(?:me|nos) vendria bien",
        r"sarebbe utile",
        r"(?:ware|waere) (?:super|toll|gut|prima|klasse)",
        r"(?:plannen|plan) (?:jullie|je|u) ",
        r"on part sur",
        r"(?:nos|me) interesaria",
        r"(?:ver|see|voir|sehen|vedere|zien) (?:una|a|une|eine|een) (?:demo|demostracion|demonstration|vorfuhrung|dimostrazione)",
        r"(?:lo )?vemos en una (?:llamada|reunion|videollamada)",
        r"agend(?:emos|ar|amos) (?:una |la )?(?:llamada|reunion|videollamada|cita)",
        r"(?:podemos|podriamos) (?:hablar|agendar|coordinar|tener|conversar|reunirnos|vernos|hacer una (?:llamada|reunion|videollamada))",
        r"(?:possiamo|potremmo) fare una (?:call|chiamata|riunione)",
        r"(?:podemos|poderiamos) fazer uma (?:call|reuniao|ligacao|chamada)",
        r"(?:pouvons-nous|peut-on|on peut) (?:faire|avoir|organiser) un (?:appel|point|call)",
        r"(?:enviame|envienos|enviennos|mandame|mandenos|envia(?:nos|me)) (?:la |una |los )?(?:cotizacion|precios|propuesta|presupuesto)",
        r"adelante",
        r"cuenta (?:conmigo|con nosotros)",
        r"(?:reserve|agende) (?:un|una) (?:espacio|hueco|llamada|horario)",
        r"(?m:^)\s*certo",
        r"certo[,.!]",
        r"certamente",
        r"volentieri",
        r"d'accordo",
        r"va (?:bene|benissimo)",
        r"perfetto",
        r"ottim[oa]",
        r"mi sembra (?:una )?(?:buon[ao]|ottim[ao]|interessante)",
        r"(?:sono|siamo) (?:molto )?interessat[oi]",
        r"(?:ci|mi) interessa",
        r"sentiamoci",
        r"parliamone",
        r"(?:fissiamo|organizziamo|programmiamo) (?:una |un )?(?:call|incontro|chiamata|riunione|appuntamento)",
        r"(?:possiamo|potremmo) (?:sentirci|parlare|fissare|organizzare|vederci)",
        r"(?:mandatemi|inviatemi|mandami|inviami|mandateci|inviateci) (?:un |il |i |un' ?)?(?:preventivo|prezzi|offerta|listino)",
        r"procediamo",
        r"(?:con favore|favorevol[ei]|parere positivo)",
        r"ho prenotato",
        r"(?m:^)\s*(?:ja,? )?graag",
        r"graag[.!]",
        r"graag (?:een afspraak|bellen|een call|een gesprek|een offerte|inplannen)",
        r"zeker",
        r"(?:goed|prima|leuk) idee",
        r"klinkt (?:goed|interessant|prima|als een plan)",
        r"akkoord",
        r"(?:ben|zijn) (?:zeer )?geinteresseerd",
        r"(?:ik|wij|we) (?:heb|hebben) (?:zeker )?interesse",
        r"laten we (?:even )?(?:bellen|praten|afspreken|een afspraak|een call|overleggen)",
        r"(?:kunnen|zullen) we (?:even )?(?:bellen|afspreken|een call|een afspraak|praten)",
        r"stuur (?:me|mij|ons) (?:een |de )?(?:offerte|prijzen|prijsopgave|voorstel)",
        r"doen we",
        r"(?:heb|hebben) een (?:slot|tijdslot|afspraak) (?:geboekt|ingepland)",
        r"sim",
        r"com certeza",
        r"de acordo",
        r"combinado",
        r"perfeito",
        r"otimo",
        r"parece (?:bom|otimo|interessante|uma boa)",
        r"(?:tenho|temos) (?:muito )?interesse",
        r"(?:nos |me )?interessa(?: mais| muito| sim)?",
        r"(?:nos |me )?(?:pasas|pasa|mandas|manda|envias|envia) (?:una |la |el )?(?:propuesta|cotizacion|oferta|presupuesto)",
        r"(?:ci |mi )?(?:mandi|mandate|invii|inviate|fai|fate) (?:un'?|una |il )?(?:offerta|preventivo|proposta)",
        r"vamos (?:a )?por (?:enterprise|el plan|la ampliacion)",
        r"(?:ha senso|conviene) passare",
        r"(?:estou|estamos) interessad[oa]s?",
        r"vamos (?:conversar|marcar|agendar|falar|nessa|em frente)",
        r"(?:podemos|poderiamos) (?:conversar|falar|marcar|agendar)",
        r"(?:me |nos )?(?:envie|mande|envia|manda)(?:-me|-nos)? (?:a |uma |os )?(?:proposta|cotacao|precos|orcamento)",
        r"(?m:^)\s*pode ser",
        r"pode ser[.!]",
        r"bora",
        r"agendei",
        r"(?m:^)\s*fechado",
    ]
);

/// A day and a time offered or accepted: "Thursday 2pm works", "jeudi 14h", "Donnerstag um 14 Uhr".
/// A date in a quoted header ("Dienstag, 24. November 2026 10:14") is not one.
pub static TIME_OFFER: LazyLock<Regex> = LazyLock::new(|| {
    let at = r"(?:at|um|a|a las|alle|om|as|vers|gegen|ab|after|around|ore|das|de)";
    let part = r"(?:afternoon|morning|noon|nachmittag|vormittag|mittag|apres-midi|matin|tarde|pomeriggio|mattina|middag|ochtend|manha)";
    let clock = r"(?:[01]?\d|2[0-3])(?:[:.h][0-5]\d\s?(?:am|pm|uhr|h|u)?|\s?(?:am|pm|uhr|h|u)\b)";
    let loose = r"\d{1,2}(?:[:.h]\d{2})?\s?(?:am|pm|uhr|h|u)?\b";
    let fits = r"(?:works|is (?:good|fine|best|ok)|suits|passt|geht|me va|nos va|me convient|nous convient|me viene bien|nos viene bien|va bene|komt goed uit|schikt|funciona|serve|fica bom)";
    compile(
        "TIME_OFFER",
        &[
            &format!(
                r"{DAYS}(?: (?:next|prochain|prochaine|prossimo|proximo|proxima|nachsten|naechsten|volgende|que vem|que viene))?(?:,? (?:the |den |le |el |il |de )?\d{{1,2}}\b(?:st|nd|rd|th)?\.?)?(?:,? (?:{at} {loose}|{clock}|(?:in the |am |de |en |nel |di |op |a |la |na |in der )?{part}))"
            ),
            &format!(r"(?:{at} )?{clock} (?:on |am |le |el |il |op |na )?{DAYS}"),
            &format!(r"\d{{1,2}}(?::\d{{2}})?\s?(?:am|pm|uhr|h) {fits}"),
            &format!(r"(?:how about|what about|wie ware es mit|que tal|e se|quid de|che ne dici di) {DAYS}"),
            &format!(r"{DAYS} {fits}"),
        ],
    )
});

lexicon!(
    /// Not now, later: a deferral that is not a refusal.
    DEFER,
    [
        r"later (?:this|next|in the) (?:year|quarter|month|spring|summer|autumn|fall)",
        r"in (?:a few|a couple of|two|three|four|six|2|3|4|6) (?:weeks|months)",
        r"(?:after|once) (?:the|our) (?:renewal|holidays|budget|planning|reorg|migration|launch|quarter|new year|year end|year-end|freeze|audit)",
        r"not (?:right )?now",
        r"not (?:the right|a good) time",
        r"bad timing",
        r"circle back",
        r"revisit",
        r"check back",
        r"(?:ping|contact|reach|email) (?:me|us)(?: out)? (?:again )?(?:in|after|next|then|later|around|early)",
        r"(?:follow up|reach out|come back) (?:in|after|next|later|early)",
        r"maybe later",
        r"too (?:busy|swamped|early)",
        r"not (?:at the moment|currently|yet)",
        r"(?:im|nach|ab) (?:neuen jahr|fruhjahr|sommer|herbst)",
        r"spater",
        r"(?:momentan|derzeit|aktuell|gerade|jetzt) (?:nicht|noch nicht|kein)",
        r"melden sie sich (?:bitte )?(?:gerne? )?(?:im|nach|wieder|in|nochmal|ab)",
        r"meld(?:e|et)? (?:dich|euch|sie sich) (?:gern |gerne |bitte )?(?:im|nach|wieder|nochmal|in|ab)",
        r"(?:aktuell|derzeit|momentan|gerade|jetzt) (?:passt|geht) es (?:leider |gerade )?nicht",
        r"plus tard",
        r"(?:a partir de|apres) debut d'annee",
        r"pas (?:pour le moment|maintenant|tout de suite|pour l'instant|dans l'immediat)",
        r"(?:revenez|recontactez|relancez)[- ](?:moi|nous|vers)",
        r"mas adelante",
        r"(?:ahora|por ahora|por el momento|de momento) no",
        r"no es (?:buen|el) momento",
        r"(?:vuelve|vuelvan|volve) a (?:escribirme|contactarme|contactarnos)",
        r"piu avanti",
        r"non (?:ora|adesso|in questo momento|per ora)",
        r"(?:ricontattami|ricontattateci|risentiamoci|riaggiorniamoci)",
        r"(?:nu|op dit moment|momenteel) (?:even )?niet",
        r"niet het juiste moment",
        r"(?:kom|komen) (?:er )?(?:later )?(?:graag )?op terug",
        r"mais (?:para frente|tarde|adiante)",
        r"(?:agora|no momento|por enquanto|neste momento) nao",
        r"nao e o momento",
        r"(?:me procure|retome|retomamos|volte a falar)",
    ]
);

lexicon!(
    /// A time further off, which turns a lukewarm interest into a deferral ("interesting, maybe in Q2").
    LATER_DATE,
    [
        r"next (?:quarter|year|month|fiscal|budget|spring|summer)",
        r"q[1-4]",
        r"(?:in|from|after|until) (?:january|february|march|april|may|june|july|august|september|october|november|december)",
        r"(?:in|im|nach|ab) (?:januar|februar|marz|april|mai|juni|juli|august|september|oktober|november|dezember)",
        r"(?:nachstes|nachsten|kommendes|kommenden) (?:jahr|quartal|monat)",
        r"(?:l'annee|le trimestre|le mois) prochain",
        r"(?:l'an|l'annee) prochaine?",
        r"(?:en|a partir de|apres) (?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)",
        r"(?:el|la) proxim[oa] (?:ano|trimestre|mes|semestre)",
        r"(?:en|a partir de|despues de) (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)",
        r"(?:il )?prossimo (?:anno|trimestre|mese)",
        r"(?:a|da|dopo) (?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)",
        r"(?:volgend|komend) (?:jaar|kwartaal)",
        r"(?:in|na|vanaf) (?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)",
        r"(?:o )?proximo (?:ano|trimestre|mes|semestre)",
        r"(?:em|a partir de|depois de) (?:janeiro|fevereiro|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)",
        // A day in a month well ahead: "from 11 January", "a partir del 11 de enero", "the week of 4 January".
        r"(?:from|after|until|in|the week of|early|mid|late|end of|beginning of|ab|nach|anfang|mitte|ende|a partir du|apres le|debut|fin|a partir del?|despues del|a (?:principios|mediados|finales|fines) de|dopo il|da inizio|a (?:inizio|meta|fine)|vanaf|na|begin|eind|depois de|no (?:inicio|fim|final) de) (?:\d{1,2}(?:st|nd|rd|th|er|\.)? (?:de |of )?)?(?:january|february|march|april|januar|februar|marz|janvier|fevrier|mars|enero|febrero|marzo|gennaio|febbraio|januari|februari|maart|janeiro|fevereiro|marco)",
        // After the holidays and the new year.
        r"(?:after|past) (?:the )?(?:holidays|new year|christmas|festive season)",
        r"nach (?:den )?(?:feiertagen|weihnachten|neujahr|dem jahreswechsel)|(?:im|ab) (?:neuen|kommenden) jahr|anfang des jahres",
        r"apres (?:les fetes|noel|le nouvel an|les vacances)|(?:en|au) debut d'annee|l'an prochain",
        r"(?:despues de|pasado|pasadas) (?:reyes|navidad|las fiestas|fin de ano|ano nuevo)|(?:a|al) (?:principios|inicio) de(?:l)? ano",
        r"dopo (?:la befana|le feste|natale|capodanno)|(?:a|ad) inizio (?:anno|del prossimo anno)",
        r"na (?:de feestdagen|kerst|nieuwjaar|de jaarwisseling)|begin (?:volgend )?jaar|in het nieuwe jaar",
        r"depois (?:das festas|do natal|do ano novo|das ferias)|(?:no )?inicio do (?:ano|proximo ano)",
    ]
);

lexicon!(
    /// Someone will set up the call: "she'll book a meeting with you", "qui va te booker une rencontre".
    SCHEDULING,
    [
        r"(?:book|booker|booking|schedule|scheduling|set up|setting up|send (?:you )?an invite|organi[sz]e|arrange|fix|fissare|fissera|fissiamo|organizzare|prenotare|programar|agendar|agende|marcar|reservar|afspreken|inplannen|vereinbaren|einplannen|planifier|organiser|caler|prendre|reservez|reserver) [^.!?\n]{0,25}(?:call|meeting|rencontre|rendez-vous|rdv|appel|termin|telefonat|gesprach|reunion|llamada|riunione|chiamata|afspraak|gesprek|reuniao|ligacao|chamada|slot|time|demi-heure|heure)",
        r"(?:para que|pour qu'il|pour qu'elle|per|pra|para) (?:agende|marcar|fissare|planifie|organise|agendar)",
    ]
);

lexicon!(
    /// A quote, a proposal or an order form asked for: buying, even when it still goes to a committee.
    QUOTE_REQUEST,
    [r"quote|proposal|preventivo|devis|offerte|cotizacion|cotacao|propuesta|proposta|angebot|bon de commande|order form|purchase order"]
);

lexicon!(
    /// An hour named: "at 10h", "14 Uhr", "3pm", "15:00", "às 15h".
    HOUR,
    [r"\d{1,2}(?::\d{2})?\s?(?:h\d{0,2}|uhr|am|pm|hrs)|\d{1,2}:\d{2}|(?:morning|afternoon|vormittag|nachmittag|matin|apres-midi|manana|tarde|mattina|pomeriggio|ochtend|middag|manha)s?"]
);

lexicon!(
    /// Someone else must approve first: a board, a committee, procurement, finance.
    APPROVAL,
    [
        r"(?:need|needs|require|requires|would need|needing|waiting for|wait for|pending|subject to) (?:the |an? |our |their )?(?:sign-?off|approval|budget approval|green light)",
        r"(?:go|goes|going|run|runs|be run|be routed|routed|pass|passes) (?:through|past|via|by) (?:our |the )?(?:procurement|purchasing|finance|legal|board|committee|cfo|management|it steering)",
        r"(?:board|committee|cfo|finance|procurement|management|leadership) (?:has|have|needs?|would need|must|will have) to (?:approve|sign off|decide|agree|green-?light)",
        r"on the (?:agenda|next (?:board|committee) meeting)",
        r"genehmig\w*|freigabe|freigeben|verwaltungsrat|aufsichtsrat|(?:uber|via) (?:den |die )?(?:zentralen? )?einkauf|zustimmung (?:der|des|von)",
        r"validation (?:de|du|par|en)|(?:faire |fait )?valider par|approbation|(?:passer|passe|passera) (?:par|devant) (?:le|la|les|notre|nos) (?:comite|direction|achats|service achats|daf|cfo|conseil)|comite (?:de direction|d'investissement|informatique|des achats)",
        r"aprobacion|(?:tiene|tienen|tendrian?) que (?:pasar|aprobarlo|aprobarla|aprobar)|(?:pasar|pasa) por (?:el |la )?(?:comite|compras|direccion|finanzas|consejo)|comite de (?:compras|direccion|inversiones)",
        r"approvazione|(?:passare|passa|deve passare) (?:dal|per il|per la|dalla|dal) (?:cda|consiglio|comitato|direzione|ufficio acquisti|acquisti)|\bcda\b|consiglio di amministrazione",
        r"goedkeuring|goedkeuren|(?:langs|via) (?:de )?(?:inkoop|inkoopafdeling|directie|cfo|raad van bestuur)",
        r"aprovacao|(?:passar|passa) (?:pelo|pela) (?:comite|diretoria|compras|financeiro|conselho)|(?:diretoria|conselho) (?:precisa|tem que|tera que) aprovar",
        r"(?:levo|levar|levarei|vou levar) (?:pro|para o|ao|a|para a) (?:financeiro|diretoria|comite|conselho)",
        r"(?:consultarlo|consultarla|consultar) con (?:el|la|mi|nuestro|nuestra) (?:comite|direccion|director|directora|jefe|cfo|finanzas)",
    ]
);

lexicon!(
    /// A bare thanks: an acknowledgement, not an answer.
    BARE_THANKS,
    [r"^\s*(?:thanks|thank you|thx|cheers|danke|vielen dank|merci|gracias|grazie|bedankt|dank je|obrigad[oa])(?: (?:so much|a lot|sarah|schon|beaucoup|mille))?[\s!.]*$"]
);

lexicon!(
    /// Thinking it over: "I'll discuss it with the team", "let me check", "thanks, will read".
    CONSIDER,
    [
        r"(?:discuss|talk about|go over|review|share) (?:it|this|that|internally|with (?:my|the|our))",
        r"(?:talk|speak|check|confer) (?:to|with) (?:my|the|our) (?:team|boss|manager|cfo|cto|ceo|colleagues|finance|procurement|it)",
        r"run (?:it|this) by",
        r"get back to you",
        r"(?:let|will let) you know",
        r"(?:will|i'll|let me|need to|have to) (?:think|read|review|look|take a look|check|consider|mull)",
        r"think (?:about|it over)",
        r"(?:thanks|thank you) for (?:the|your) (?:note|email|message|heads up|info|outreach)",
        r"noted",
        r"got it",
        r"understood",
        r"(?:verstanden|notiert|bien recu|bien note|recibido|ricevuto|begrepen|genoteerd|recebido|anotado)",
        r"(?:i'll|i will|i'd|let me|will) (?:take a |have a )?(?:look|glance)",
        r"(?:je regarderai|je vais regarder|j'y jette(?:rai)? un (?:oeil|coup d'oeil)|je jette(?:rai)? un (?:oeil|coup d'oeil))",
        r"(?:le |les )?(?:echo|echare) un vistazo",
        r"(?:ci|lo|la) (?:guardo|do un'occhiata|daro un'occhiata)",
        r"(?:ich )?(?:schaue|schau|sehe) (?:es |das |sie )?(?:mir )?(?:an|durch|mal)",
        r"(?:ik )?kijk (?:ik )?(?:er |het )?(?:even )?(?:naar|na)",
        r"(?:dou|darei) uma olhada",
        r"not sure",
        r"(?:we'll|we will|i'll) see",
        r"(?:on verra|vedremo|veremos|mal sehen|schauen wir mal|we zien (?:wel|nog)|vamos ver|a ver)",
        r"(?:maybe|perhaps|vielleicht|peut-etre|quizas|tal vez|forse|misschien|talvez)[.!,]",
        r"(?:depends|hangt (?:er )?van af|dipende|depende|kommt darauf an|ca depend)",
        r"(?:bespreche|besprechen|uberlege|uberlegen|prufe|prufen) (?:das|es|dies|intern|mit)",
        r"(?:mit dem|mit meinem|im) (?:team|chef|vorgesetzten)",
        r"melde mich",
        r"(?:ich|wir) (?:schaue|schauen|denke|denken) (?:mir|uns)? ?(?:das|es)",
        r"danke fur (?:die|ihre) (?:info|nachricht|e-?mail)",
        r"(?:je|nous) (?:vais|vais en|allons|dois|devons) (?:en )?(?:parler|discuter|reflechir|regarder|voir)",
        r"en interne",
        r"(?:je|nous) reviens? vers vous",
        r"(?:lo|la) (?:comento|consulto|hablo|reviso|analizo|pienso|miro|veo|leo)",
        r"(?:con (?:el|mi) (?:equipo|jefe|gerente|director))",
        r"(?:te|le|les) (?:aviso|confirmo|cuento|comento)",
        r"(?:ne )?(?:parlo|discuto|valuto|valutiamo) (?:con|internamente|e ti)",
        r"(?:ti|vi|le) (?:faccio|faro|faremo) sapere",
        r"(?:ik|we) (?:bespreek|bespreken|overleg|overleggen|bekijk|bekijken) (?:het|dit|intern)",
        r"(?:ik|we) laat (?:het )?(?:je|u) (?:weten|horen)",
        r"vou (?:conversar|falar|discutir|ver|analisar|pensar) com",
        r"(?:vejo|veja|vou ver|dou uma olhada|olho) (?:isso|isto|com calma|com atencao|quando)",
        r"(?:te falo|te aviso|te digo)",
        r"(?:vou|vamos) (?:analisar|pensar|avaliar)",
        r"(?:te|lhe) (?:aviso|retorno|dou um retorno)",
        r"(?:i'll|i will|we'll|we will) decide|decide (?:whether|if)",
        r"run (?:it|this) past",
        r"y lo veo",
        r"dann sehen wir weiter",
        r"(?:puis|ensuite) on verra|et je verrai",
        r"e poi (?:vediamo|decido)",
        r"dan zien we verder",
        r"(?:e|que) (?:eu )?(?:vejo|decido)",
    ]
);

lexicon!(
    /// Passing it on: "looping in Tom", "forwarded to our CFO", "she owns the budget".
    DELEGATE,
    [
        r"(?:forwarded|forwarding|passing|passed) (?:this |it |your (?:note|email) )?(?:on |along )?to",
        r"(?:i'll|i will|will) (?:forward|pass) (?:this|it)",
        r"loop(?:ed|ing)? in",
        r"cc['’]?(?:ing|ed|'d)",
        r"(?:adding|added|copying|copied) (?:my colleague|\w+ from|our|in)",
        r"(?:he|she|they)(?:'ll| will) (?:reach out|get back|be in touch|follow up|contact you)",
        r"the right person",
        r"(?:is|would be) the (?:right|best) (?:person|contact)",
        r"(?:owns|handles|manages|is in charge of|is responsible for) (?:the )?(?:budget|this|that|licen[cs]ing|purchasing|procurement)",
        r"(?:please )?(?:contact|reach out to|talk to|speak with|speak to) (?:my colleague|our|him|her)",
        r"(?:weitergeleitet|leite (?:das|es|ihre (?:nachricht|e-?mail)) weiter|in (?:kopie|cc) genommen)",
        r"(?:zustandig|ansprechpartner(?:in)?)",
        r"(?:je transfere|je transmets|transfere a|transmis a|en copie|mets en copie)",
        r"(?:bon(?:ne)? interlocut|en charge de|responsable (?:de|des))",
        r"(?:reenvio|reenviado|te copio|en copia|pongo en copia|copio a)",
        r"(?:la persona indicada|el responsable|la responsable)",
        r"(?:inoltro|inoltrato|in copia|metto in copia)",
        r"(?:il referente|la referente|la persona giusta)",
        r"(?:doorgestuurd|stuur (?:het|dit) door|in de cc|in cc gezet)",
        r"(?:verantwoordelijk|de juiste persoon)",
        r"(?:encaminh\w+|em copia|copiando)",
        r"(?:o responsavel|a responsavel|a pessoa certa)",
    ]
);

lexicon!(
    /// Option 1: get more from what they have.
    OPTION_ONE,
    [
        r"option (?:1|one|a)",
        r"(?m:^)\s*(?:the first one|la premiere|la primera|la prima|die erste|de eerste|a primeira)",
        r"(?:die )?erste variante|variante (?:1|eins|a)|(?:la )?premiere variante|(?:la )?primera variante|(?:la )?prima variante|(?:de )?eerste variant|(?:a )?primeira variante",
        r"(?:the )?first (?:option|one)",
        r"(?:erste|1\.) option",
        r"option (?:eins|nummer 1|nr\. ?1)",
        r"(?:l')?option 1",
        r"(?:la )?premiere (?:option|solution)",
        r"(?:la )?opcion (?:1|uno)",
        r"(?:la )?primera (?:opcion|alternativa)",
        r"(?:l')?opzione (?:1|uno)",
        r"(?:la )?prima (?:opzione|alternativa)",
        r"optie (?:1|een|a)",
        r"(?:de )?eerste optie",
        r"(?:a )?opcao (?:1|um|a)",
        r"(?:a )?primeira (?:opcao|alternativa)",
    ]
);

lexicon!(
    /// Option 2: grow.
    OPTION_TWO,
    [
        r"option (?:2|two|b)",
        r"(?m:^)\s*(?:the second one|la deuxieme|la seconde|la segunda|la seconda|die zweite|de tweede|a segunda)",
        r"(?:the )?second (?:option|one)",
        r"(?:zweite|2\.) option",
        r"option (?:zwei|nummer 2|nr\. ?2)",
        r"(?:la )?(?:deuxieme|seconde) (?:option|solution)",
        r"(?:la )?opcion (?:2|dos)",
        r"(?:la )?segunda (?:opcion|alternativa)",
        r"(?:l')?opzione (?:2|due)",
        r"(?:la )?seconda (?:opzione|alternativa)",
        r"optie (?:2|twee|b)",
        r"(?:de )?tweede optie",
        r"(?:a )?opcao (?:2|dois|b)",
        r"(?:a )?segunda (?:opcao|alternativa)",
    ]
);

lexicon!(
    /// Getting more from what they have, in other words than "option 1".
    OPTIMIZE,
    [
        r"optimi[sz](?:e|ing|ation)",
        r"get more (?:value )?(?:out )?of",
        r"make (?:the most|better use|full use) of",
        r"(?:inactive|unused|idle|dormant) (?:seats|licen[cs]es|users|accounts)",
        r"(?:clean|cleaning|tidy) up",
        r"(?:reclaim|reassign|free up|freeing up|free some) ",
        r"before (?:we )?(?:add|expand|upgrad|grow|buy|spend)",
        r"what we (?:already )?have first",
        r"(?:training|enablement)",
        r"optimier\w*",
        r"(?:inaktive|ungenutzte|unbenutzte) (?:lizenzen|nutzer|konten|platze)",
        r"(?:freigeben|aufraumen|bereinigen)",
        r"optimis\w*",
        r"(?:licences|utilisateurs|comptes) (?:inactifs|inutilisees|inutilises)",
        r"(?:liberer|recuperer|faire le menage)",
        r"optimiz\w*",
        r"(?:licencias|usuarios|cuentas) (?:inactiv|sin uso)\w*",
        r"(?:liberar|depurar|limpiar)",
        r"ottimizz\w*",
        r"(?:licenze|utenti|account) (?:inattiv|inutilizzat)\w*",
        r"(?:liberare|recuperare|fare pulizia)",
        r"optimaliser\w*",
        r"(?:inactieve|ongebruikte) (?:licenties|gebruikers|accounts)",
        r"(?:vrijmaken|opschonen|opruimen)",
        r"otimiz\w*",
        r"(?:licencas|usuarios|contas) (?:inativ|sem uso|ociosas)\w*",
        r"(?:liberar|limpar|reaproveitar)",
    ]
);

lexicon!(
    /// Growing: more licences, a higher plan.
    UPGRADE,
    [
        r"(?:add|adding|buy|buying|get|need) (?:the |some |more |extra |additional |\d+ )+(?:seats|licen[cs]es|users|capacity)",
        r"(?:move|moving|upgrade|upgrading|switch|go) (?:us )?(?:up )?to (?:enterprise|the (?:next|higher|enterprise)|a higher)",
        r"upgrade (?:us|now|the plan|our plan)",
        r"(?:hochstufen|aufrusten|upgraden)",
        r"\d+ (?:zusatzliche|weitere|extra) lizenzen",
        r"l'ajout de \d+ licences",
        r"(?:add|ajoutez(?:-nous|-moi)?|ajouter|agreguen(?:nos)?|agregar|anadan|aggiungete(?:ci)?|aggiungere|adicione|adicionem|adicionar) (?:les |las |los |le |as |os |us |nos )?(?:\d+|the|more|extra|some|them)",
        r"(?:die |the )?\d+ (?:lizenzen|licenses|licences|licencias|licenze|licenties|licencas|seats|platze) (?:dazu|extra|mehr|erbij|in piu|a mas|a mais)",
        r"(?:voeg|fugen sie|fuge) .{0,30}(?:toe|hinzu)",
        r"(?:mehr|zusatzliche|weitere) (?:lizenzen|nutzer|platze)",
        r"(?:wechsel|upgrade|umstieg) (?:auf|zu) enterprise",
        r"(?:plus de|davantage de|des) licences (?:supplementaires|en plus)",
        r"(?:passer|migrer) (?:a|en|sur) (?:l'offre )?enterprise",
        r"(?:mas|adicionales) licencias",
        r"licencias (?:adicionales|extra)",
        r"(?:pasar|migrar|subir) a enterprise",
        r"(?:piu|altre|ulteriori) licenze",
        r"(?:passare|migrare) a enterprise",
        r"(?:meer|extra) licenties",
        r"(?:overstappen|upgraden) naar enterprise",
        r"(?:mais|novas|adicionais) licencas",
        r"(?:migrar|mudar|passar) para (?:o )?enterprise",
    ]
);

lexicon!(
    /// A bare answer that opens the message: "Sure.", "Yes!", "Ja.", "Oui !", "Sí", "Sì", "Sim".
    BARE_YES,
    [
        r"^\s*(?:yes|yep|yeah|sure|ok|okay|absolutely|definitely|ja|jep|klar|gerne|oui|ouais|volontiers|si|claro|vale|dale|certo|certamente|ok(?:ay)?|graag|prima|jazeker|zeker|sim|pode|claro que sim)(?:\s+(?:please|bitte|merci|gracias|grazie|graag|obrigad[oa]|s'il vous plait|por favor|per favore|alstublieft|thanks|danke))?\s*[.!]*\s*$",
    ]
);

lexicon!(
    /// A bare no: "No.", "Nope", "Nein.", "Non.", "Nee."
    BARE_NO,
    [r"^\s*(?:no|nope|nah|nein|non|nee|nao)(?:\s*,?\s*(?:thanks|thank you|danke|merci|gracias|grazie|dank je|bedankt|obrigad[oa]))?\s*[.!]*\s*$"]
);

lexicon!(
    /// A booked meeting, not just a wished-for one.
    MEETING,
    [
        r"(?:i(?:'ve| have)? |just |we(?:'ve| have)? )?(?:booked|grabbed|picked|scheduled|reserved) (?:a |some |the |us )?(?:time|slot|call|meeting|demo)",
        r"sent (?:you )?(?:a |an )?(?:calendar )?invite",
        r"see you (?:on |next |this )?(?:mon|tues|wednes|thurs|fri|satur|sun)day",
        r"see you (?:tomorrow|next week|then)",
        r"(?:confirmed|booked|locked in) for (?:mon|tues|wednes|thurs|fri)day",
        r"looking forward to (?:our|the) (?:call|meeting|chat|demo) on",
        r"(?:habe|hab|haben) (?:einen |ein )?(?:termin|slot|zeitfenster) (?:gebucht|eingetragen|reserviert)",
        r"bis (?:montag|dienstag|mittwoch|donnerstag|freitag|morgen)",
        r"j'ai (?:reserve|pris|bloque) un (?:creneau|rendez-vous)",
        r"a (?:lundi|mardi|mercredi|jeudi|vendredi|demain)",
        r"(?:reserve|agende) (?:un|una) (?:espacio|hueco|llamada|horario)",
        r"nos vemos (?:el )?(?:lunes|martes|miercoles|jueves|viernes|manana)",
        r"ho (?:prenotato|fissato) (?:uno slot|un appuntamento|una call)",
        r"ci vediamo (?:lunedi|martedi|mercoledi|giovedi|venerdi|domani)",
        r"(?:heb|hebben) een (?:slot|tijdslot|afspraak) (?:geboekt|ingepland)",
        r"tot (?:maandag|dinsdag|woensdag|donderdag|vrijdag|morgen)",
        r"agendei",
        r"(?:ate|nos vemos na?) (?:segunda|terca|quarta|quinta|sexta|amanha)",
    ]
);

lexicon!(
    /// Negators: a yes-word in their reach is not a yes ("not sure it makes sense").
    NEGATOR,
    [r"not|don't|dont|doesn't|didn't|won't|never|no|nicht|kein|keine|nie|pas|ne|jamais|nunca|non|niet|geen|nooit|nao|sem|ni|before|bevor|avant|antes|voordat|if|ob|whether|se"]
);

lexicon!(
    /// Words that turn the sentence: what follows outweighs what came before.
    CONTRAST,
    [r"but|however|though|although|aber|jedoch|allerdings|dafur|mais|cependant|toutefois|en revanche|par contre|pero|sin embargo|aunque|en cambio|ma|tuttavia|invece|in compenso|maar|echter|daarentegen|wel|mas|porem|contudo|entretanto|em compensacao|por outro lado"]
);
