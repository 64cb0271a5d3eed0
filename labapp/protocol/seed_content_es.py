"""Spanish text of the shipped protocol, as used in US schools and with families.

Pure data, like seed_content.py: migration 0015 loads TRANSLATIONS into
`protocol_component_translations`, so treat this text as frozen once that migration has
run; change a live translation in the dashboard editor. Components are keyed by slug and
prompts are listed in the English order, so each one gets the English prompt's id.
"""

from __future__ import annotations

from typing import Any

from labapp.protocol.seed_content import prompt_id

LANGUAGE = "es"

PROTOCOL_TITLE: str = (
    "Liderar con empatía: identificar y priorizar a los estudiantes desatendidos"
)

PROTOCOL_INTRO: str = """\
Este protocolo guía a un pequeño equipo de educadores, líderes escolares y del \
distrito, y a veces familias, a lo largo de una conversación enfocada: **¿a qué \
estudiantes todavía no estamos atendiendo bien, cómo viven ellos la escuela y qué \
prácticas para construir relaciones nos comprometemos a poner en marcha para \
ellos?** Parte de la sabiduría que ya hay en el grupo, pide mirar con honestidad \
la evidencia y mantiene en el centro las voces de los estudiantes y las familias, \
no nuestras propias suposiciones.

Una sesión recorre siete componentes en orden, en unos 90 minutos. Primero, quien \
facilita establece normas para escuchar con empatía, porque todo lo demás depende \
de que las personas se sientan seguras para hablar con franqueza. Puedes \
prepararte anotando antes tus respuestas a algunas preguntas de reflexión, y la \
sesión termina con compromisos concretos que el equipo revisará en conjunto.
"""

TRANSLATIONS: dict[str, dict[str, Any]] = {
    "norms-for-listening": {
        "title": "Normas para escuchar con empatía",
        "purpose": (
            "Acordar cómo nos vamos a escuchar para que todas las voces se oigan "
            "sin juicios. Estas normas son la base de una conversación honesta "
            "sobre los estudiantes a quienes quizás no estamos atendiendo bien."
        ),
        "guiding_questions": [
            "¿Cómo se ve y cómo suena cuando alguien de verdad te entiende antes "
            "de responder?",
            "¿Cómo podemos mantener el enfoque en la experiencia de quien habla, en "
            "lugar de saltar a nuestra propia historia?",
            "¿Qué te ayuda a compartir una preocupación o una idea a medio formar "
            "sin miedo a que te juzguen?",
            "¿Cómo vamos a notar, y nombrar con cuidado, los momentos en que "
            "empezamos a arreglar en vez de escuchar?",
        ],
        "facilitator_notes": """\
Presenta cuatro normas para escuchar y colócalas donde todos las vean durante toda \
la sesión:

- **Primero, entender.** Deja a un lado tu propia reacción por un momento y \
asegúrate de haber captado lo que la otra persona quiere decir. Parafrasear \
("Entonces, lo que estás notando es...") es una buena prueba.
- **"Tú" antes que "yo".** Responde a cómo parece sentirse quien habla antes de \
dar tu opinión. Prueba con "Parece que eso fue desalentador para ti" en lugar \
de "Yo también me habría desanimado".
- **Dar voz sin juzgar.** Reconoce las creencias, preocupaciones y preguntas \
tal como son, y haz una pregunta de seguimiento cuando necesites entender más.
- **Practicar el autodescubrimiento.** Nota cuándo te apresuras hacia una \
solución, tratas una preocupación como fuera de tema o valoras una idea sobre \
todo porque coincide con lo que tú piensas.

Invita al grupo a agregar o ajustar una norma para que la lista se sienta suya. \
Pon en práctica las normas desde el primer minuto, sobre todo con la primera \
persona que comparta.

Que esta parte sea breve y cálida; las normas cobran vida más adelante. Si el \
tiempo es corto, omite lo que agregue el grupo antes que la norma del \
autodescubrimiento, que es la que más importa cuando la conversación pasa a \
priorizar.
""",
        "reflection_prompts": [
            "Piensa en una vez en que alguien te escuchó con verdadera empatía. "
            "¿Qué hizo, o qué no hizo, para que te sintieras escuchado?",
            "Cuando un colega plantea una preocupación, ¿cuál es tu primer "
            "impulso: entenderla, resolverla o dejarla pasar?",
        ],
    },
    "looking-back": {
        "title": "Una mirada al año pasado",
        "purpose": (
            "Recordar ejemplos concretos de cuándo nuestra comunidad ya lideró "
            "con empatía este último año. Empezar por las fortalezas nos recuerda "
            "que gran parte de la sabiduría que necesitamos ya está en el grupo."
        ),
        "guiding_questions": [
            "¿Cuándo ayudamos a estudiantes y educadores a reconectarse con la "
            "escuela, y cómo atendimos sus necesidades en el camino?",
            "¿Dónde ofrecimos flexibilidad y opciones reales en cómo los "
            "estudiantes aprendían o mostraban lo que aprendieron?",
            "¿Qué hicimos para asegurar que cada estudiante tuviera una relación "
            "con al menos un adulto de confianza en la escuela?",
            "¿Cómo construimos confianza y respeto entre maestros y estudiantes, "
            "entre los estudiantes y con las familias, en línea y en persona?",
            "¿Dónde se sintió el aprendizaje personal para cada estudiante y, a la "
            "vez, compartido como comunidad?",
        ],
        "facilitator_notes": """\
Da a todos dos o tres minutos en silencio para anotar ejemplos antes de que nadie \
hable. Luego da la vuelta al grupo, un ejemplo por persona en cada ronda, para \
que las voces más calladas se escuchen pronto.

- Pide **momentos específicos** ("la semana en que empezamos los saludos de la \
mañana en 7.º grado") en lugar de afirmaciones generales ("nos importan los \
chicos").
- Anota los ejemplos en papel de rotafolio o en un documento compartido bajo \
encabezados sencillos: reconexión, flexibilidad, adultos de confianza, \
confianza, aprendizaje personal y en comunidad.
- Fíjate en quién falta en las historias. Si todos los ejemplos tratan de los \
mismos grupos de estudiantes, señálalo con delicadeza; es un puente natural \
hacia el siguiente componente.

Cuida el tiempo: este componente puede convertirse fácilmente en una larga \
celebración. Agradece con calidez, guarda la lista y sigue adelante cuando se \
acabe el tiempo.
""",
        "reflection_prompts": [
            "Nombra un momento de este último año en que tú o tu equipo ayudaron "
            "a un estudiante o a un colega a reconectarse con la escuela. ¿Qué lo "
            "hizo funcionar?",
            "¿Qué estudiantes crees que se sintieron más conectados con un adulto "
            "de confianza este año, y cuáles quizás no?",
        ],
    },
    "identifying-underserved-students": {
        "title": "Identificar a los grupos de estudiantes desatendidos",
        "purpose": (
            "Usar varios tipos de evidencia para nombrar a los grupos de "
            "estudiantes que todavía no estamos atendiendo bien. Igual de "
            "importante: notar qué perspectiva falta en el panorama."
        ),
        "guiding_questions": [
            "¿Qué nos dicen la asistencia, la participación y las calificaciones "
            "sobre qué estudiantes tienen dificultades para conectarse o mantenerse "
            "al día?",
            "¿Qué estudiantes enfrentan barreras de acceso, como dispositivos, "
            "internet, transporte, idioma, horarios o servicios?",
            "¿Qué nos han dicho las familias, de manera formal o informal, y de qué "
            "familias no hemos sabido nada?",
            "¿Qué perspectiva falta en esta evidencia, y cómo podríamos escucharla?",
            "¿En qué no coinciden nuestros números con lo que observamos a diario?",
        ],
        "facilitator_notes": """\
Antes de la sesión, reúne si puedes algunos datos sencillos: patrones de \
asistencia, indicadores de participación, tendencias de calificaciones o \
créditos, y cualquier nota sobre acceso y contacto con las familias. Bastan \
resúmenes por grupo de estudiantes; evita compartir expedientes individuales.

- Pide al grupo que mire la evidencia primero en silencio y escriba lo que \
**nota** antes de que alguien diga lo que **significa**.
- Mantén la mirada en grupos y patrones (por ejemplo, "estudiantes \
multilingües de 9.º y 10.º grado" o "estudiantes que cambiaron de escuela a \
mitad de año"), no en estudiantes o familias en particular.
- Por cada grupo que se nombre, pregunta: *¿Qué voz no está en estos datos?* \
Los propios estudiantes, las familias que casi nunca responden y el personal de \
apoyo a menudo ven lo que los números no muestran.
- Usa las normas para escuchar. Si alguien descarta a un grupo ("es que no \
vienen"), invita a la curiosidad: "¿Qué les podría estar impidiendo venir?"

Busca terminar con una lista de tres a seis grupos posibles, cada uno con una o \
dos líneas sobre la evidencia que lo respalda. Todavía no los ordenes.
""",
        "reflection_prompts": [
            "¿Qué grupo de estudiantes te preocupa más en este momento, y qué "
            "evidencia, más allá de tu intuición, respalda esa preocupación?",
            "¿Qué perspectiva crees que falta con más frecuencia cuando tu equipo "
            "analiza los datos de los estudiantes?",
        ],
    },
    "prioritizing": {
        "title": "Priorizar con criterios claros",
        "purpose": (
            "Elegir dónde enfocarnos primero con criterios compartidos y "
            "transparentes, y no según la opinión que más se oye. Un método "
            "sencillo de puntuación hace que la decisión sea justa y fácil de "
            "explicar a los demás."
        ),
        "guiding_questions": [
            "¿Qué tan urgente es la necesidad de cada grupo si nada cambia en los "
            "próximos meses?",
            "¿A cuántos estudiantes afecta, y qué tan profunda es su necesidad?",
            "¿Qué está en manos de nuestra escuela o de nuestro equipo cambiar?",
            "¿Nuestra clasificación coincide con la evidencia, o sobre todo con "
            "nuestra comodidad y nuestras preferencias?",
        ],
        "facilitator_notes": """\
Presenta cuatro criterios y una puntuación sencilla de 1 a 3 para cada uno \
(1 = baja, 2 = moderada, 3 = alta):

- **Urgencia:** qué tan pronto crece el daño si esperamos.
- **Número de estudiantes:** cuántos estudiantes hay en el grupo.
- **Profundidad de la necesidad:** qué tan grave es la brecha en aprendizaje, \
conexión o acceso.
- **Lo que podemos cambiar:** cuánto está bajo nuestro control o influencia.

Cada persona puntúa en silencio a cada grupo posible; luego el grupo suma los \
totales y los compara. Un pequeño ejemplo:

- *Estudiantes multilingües recién llegados de 6.º a 8.º grado:* urgencia 3, \
número 2, profundidad 3, podemos cambiar 3 = **11**
- *Estudiantes con ausencias crónicas en 9.º grado:* urgencia 3, número 3, \
profundidad 2, podemos cambiar 2 = **10**
- *Estudiantes sin internet confiable en casa:* urgencia 2, número 2, \
profundidad 2, podemos cambiar 1 = **7**

Toma los totales como el comienzo de una conversación, no como un veredicto. \
Donde las puntuaciones estén cerca o las opiniones difieran mucho, pide a las \
personas que expliquen su razonamiento usando las normas para escuchar. Vuelve \
a las preguntas de autodescubrimiento: ¿estamos favoreciendo a un grupo porque \
es más fácil o nos resulta conocido?

Terminen con **un** grupo prioritario (dos como máximo) y una oración sobre el \
porqué.
""",
        "reflection_prompts": [
            "Si tu equipo pudiera enfocarse en un solo grupo de estudiantes este "
            "trimestre, ¿cuál elegirías y por qué?",
        ],
    },
    "student-family-experiences": {
        "title": "Comprender las experiencias de los estudiantes y las familias",
        "purpose": (
            "Practicar cómo escuchar a los estudiantes y las familias para "
            "entender cómo viven la escuela desde su lado. La meta es escuchar "
            "de verdad, no explicar ni arreglar."
        ),
        "guiding_questions": [
            "¿Cómo creemos que se siente la escuela para los estudiantes de nuestro "
            "grupo prioritario, y cómo podríamos comprobar esa suposición?",
            "¿Qué preguntas abiertas invitan a los estudiantes y las familias a "
            "contar su propia historia?",
            "¿Cómo podemos responder para que quien habla se sienta escuchado y no "
            "corregido ni desviado?",
            "¿Qué dificultó nuestra escucha durante la práctica, y qué nos ayudó?",
        ],
        "facilitator_notes": """\
Explica que una **entrevista empática** es una conversación breve y abierta para \
entender la experiencia de alguien, no para juntar quejas ni para defender a la \
escuela. Luego haz una ronda rápida de práctica en parejas o tríos (unos cuatro \
minutos por persona como entrevistador), con una persona observadora si el \
grupo lo permite.

Preguntas de ejemplo para ofrecer:

- "Cuéntame de un día en la escuela que te fue bien. ¿Qué lo hizo bueno?"
- "¿Cuándo sientes que perteneces aquí? ¿Cuándo no?"
- "¿A qué adulto de la escuela puedes acudir? ¿Qué lo hace fácil o difícil?"
- "¿Qué te gustaría que los maestros supieran de ti o de tu familia?"
- Para las familias: "¿Cómo se comunica la escuela con ustedes normalmente, y \
cómo prefieren que lo hagamos?"

Acompaña a quienes entrevistan para que:

- Hagan una pregunta y luego **esperen**; el silencio a menudo trae la \
respuesta más honesta.
- Reflejen primero los sentimientos ("Parece que te sentiste solo") antes de \
hacer otra pregunta.
- Pregunten "¿Me puedes contar más?" en lugar de dar consejos o explicaciones.

Conversen brevemente: ¿qué fue difícil de no arreglar? Cierren acordando cómo \
podrían hacerse entrevistas reales con el grupo prioritario: quién se pondrá en \
contacto, en qué idioma y cómo sabrán los estudiantes y las familias lo que \
escuchamos.
""",
        "reflection_prompts": [
            "¿Qué pregunta te gustaría hacerle a un estudiante o a una familia del "
            "grupo que más te importa, y qué respuesta temes escuchar?",
            "Cuando alguien te cuenta un problema, ¿qué tan difícil es para ti "
            "escuchar sin ofrecer una solución?",
        ],
    },
    "relationship-practices": {
        "title": "Prácticas que construyen y fortalecen las relaciones",
        "purpose": (
            "Elegir unas pocas prácticas concretas que generen confianza con el "
            "grupo prioritario. Partimos de lo que ya nos ha funcionado y de lo "
            "que nos han dicho los estudiantes y las familias."
        ),
        "guiding_questions": [
            "¿Qué prácticas de nuestra mirada al año pasado podríamos extender, a "
            "propósito, al grupo prioritario?",
            "¿Cómo lograremos que cada estudiante del grupo sea bien conocido por "
            "al menos un adulto de confianza?",
            "¿Qué haría más fácil que estas familias compartan su perspectiva y se "
            "sientan bienvenidas?",
            "¿Dónde podemos ofrecer más flexibilidad y opciones en cómo estos "
            "estudiantes aprenden y muestran lo que saben?",
            "¿Qué práctica es lo bastante pequeña para empezar la próxima semana?",
        ],
        "facilitator_notes": """\
Trae de nuevo el rotafolio del componente de la mirada al año pasado y las notas \
de la práctica de entrevistas empáticas. Pide a las parejas que propongan una o \
dos prácticas pensadas específicamente para el grupo prioritario. Ejemplos para \
animar a pensar:

- Conversaciones regulares con un adulto asignado (mentor, consejero o adulto \
"aliado") para cada estudiante del grupo
- Conexiones diarias de dos minutos: saludar en la puerta, una breve \
conversación personal, notar las ausencias con calidez el mismo día
- Llamadas o mensajes positivos a casa, en el idioma que prefiere la familia, \
antes de que surja cualquier preocupación
- Opciones en las tareas, el ritmo o las formas de demostrar lo aprendido
- Tiempo en grupos pequeños o de consejería que fortalezca el sentido de \
pertenencia entre compañeros
- Formas regulares y sin presión para que estudiantes y familias den su opinión

Busquen prácticas que funcionen en persona y en línea, y que sean **personales** \
(cada estudiante es conocido) y también **comunitarias** (los estudiantes están \
conectados entre sí). Reduzcan la lista a dos o tres prácticas en las que el \
equipo crea; más que eso rara vez se hace bien.
""",
        "reflection_prompts": [
            "¿Qué práctica para construir relaciones ya usas y podrías ofrecer "
            "con más intención a los estudiantes que más la necesitan?",
        ],
    },
    "commitments-next-steps": {
        "title": "Compromisos y próximos pasos",
        "purpose": (
            "Convertir la conversación en compromisos concretos, con "
            "responsables y fechas, y acordar cómo el equipo les dará "
            "seguimiento. Unos próximos pasos claros hacen que nuestra empatía "
            "se vea en la acción, no solo en la conversación."
        ),
        "guiding_questions": [
            "¿Qué hará cada uno de nosotros en las próximas dos semanas por el "
            "grupo prioritario?",
            "¿Quién escuchará a qué estudiantes y familias, y cómo compartiremos "
            "lo que aprendamos?",
            "¿Qué señales nos dirán que las prácticas están marcando una "
            "diferencia para los estudiantes?",
            "¿Cuándo nos volveremos a reunir para dar seguimiento, y qué "
            "traeremos?",
        ],
        "facilitator_notes": """\
Pide a cada participante que escriba un compromiso personal y lo comparta en voz \
alta. Los buenos compromisos son **específicos, pequeños y con fecha**: "Para el \
viernes 14 llamaré a las familias de los cinco estudiantes recién llegados de mi \
grupo de consejería para presentarme", en lugar de "Me conectaré más con las \
familias".

Luego acuerden los próximos pasos del equipo:

- **Quién** se encarga de cada práctica o de cada grupo de entrevistas empáticas
- **Cuándo** empezará y cuándo el equipo dará seguimiento (cada dos a cuatro \
semanas es un buen ritmo)
- **Qué evidencia** traer la próxima vez: lo que dijeron los estudiantes y las \
familias, cambios en la asistencia o la participación, e historias de lo que \
cambió
- **Cómo** sabrán los estudiantes y las familias lo que aprendimos y lo que \
cambiamos como resultado

Anota los compromisos donde todos puedan verlos; se incluyen en el correo de \
seguimiento después de la sesión. Cierra con una ronda rápida: una palabra sobre \
cómo se va cada persona de la conversación.

En la reunión de seguimiento, empiecen de nuevo con las normas para escuchar, \
celebren lo que se intentó y tomen lo que no funcionó como información, no como \
un fracaso.
""",
        "reflection_prompts": [
            "¿Qué acción pequeña y específica podrías realizar de forma realista "
            "en las próximas dos semanas para fortalecer tu relación con un "
            "estudiante o una familia desatendidos?",
            "¿Qué apoyo necesitarías de tu equipo para cumplirlo?",
        ],
    },
}


def translation_rows() -> list[dict[str, Any]]:
    """TRANSLATIONS as rows for `protocol_component_translations` (without component_id), by slug.

    Each prompt takes the id of the English prompt in the same place, so answers written in
    either language are grouped as one question.
    """
    return [
        {
            "slug": slug,
            "language": LANGUAGE,
            "title": text["title"],
            "purpose": text["purpose"],
            "guiding_questions": list(text["guiding_questions"]),
            "facilitator_notes": text["facilitator_notes"],
            "reflection_prompts": [
                {"id": prompt_id(slug, number), "text": prompt}
                for number, prompt in enumerate(text["reflection_prompts"], start=1)
            ],
        }
        for slug, text in TRANSLATIONS.items()
    ]
