/** Database invariants that no sequence of requests may break; each query lists the offending rows. */

/** [what must hold, a query returning every row that breaks it]. */
export const INVARIANTS: [string, string][] = [
  [
    "every message's sender is or was a participant",
    `select m.id from messages m left join conversation_participants p
       on p.conversation_id = m.conversation_id and p.user_id = m.sender_id where p.user_id is null`,
  ],
  [
    "every read receipt is by a participant",
    `select r.message_id, r.user_id from message_reads r join messages m on m.id = r.message_id
       left join conversation_participants p on p.conversation_id = m.conversation_id and p.user_id = r.user_id
       where p.user_id is null`,
  ],
  [
    "every reply points to a message of its own conversation",
    `select m.id from messages m left join messages t on t.id = m.reply_to_message_id
       where m.reply_to_message_id is not null and (t.id is null or t.conversation_id <> m.conversation_id)`,
  ],
  [
    "every message not deleted has text or audio, within the limits",
    `select id from messages where (deleted_at is null and text is null and audio_url is null) or trim(text) = ''
       or length(text) > 4000 or length(audio_url) > 2048`,
  ],
  [
    "a deleted message keeps no text, audio or reactions",
    `select m.id from messages m where m.deleted_at is not null and (m.text is not null
       or m.audio_url is not null or exists (select 1 from message_reactions r where r.message_id = m.id))`,
  ],
  [
    "every reaction is by a participant, and no message has more than 20 different emojis",
    `select r.message_id from message_reactions r join messages m on m.id = r.message_id
       left join conversation_participants p on p.conversation_id = m.conversation_id and p.user_id = r.user_id
       where p.user_id is null
     union all
     select message_id from message_reactions group by message_id having count(distinct emoji) > 20`,
  ],
  [
    "every event about a message names a message of its conversation",
    `select e.seq from conversation_events e left join messages m on m.id = e.message_id
       where e.message_id is not null and (m.id is null or m.conversation_id <> e.conversation_id)`,
  ],
  [
    "the server keeps an enabled admin once it has had one",
    `select count(*) from users where is_admin = 1 having count(*) > 0 and not exists
       (select 1 from users where is_admin = 1 and disabled_at is null and deleted_at is null)`,
  ],
  [
    "every direct conversation has exactly two participants",
    `select c.id from conversations c join conversation_participants p on p.conversation_id = c.id
       where c.type = 'direct' group by c.id having count(*) <> 2`,
  ],
  [
    "every group with active participants has an active admin",
    `select c.id from conversations c where c.type = 'group' and exists (select 1 from conversation_participants p
       where p.conversation_id = c.id and p.left_at is null) and not exists (select 1 from conversation_participants p
       where p.conversation_id = c.id and p.left_at is null and p.role = 'admin')`,
  ],
]
