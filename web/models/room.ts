// The data layer's face for the chat room (and the screens it opens): the open chat, forwarding and the
// authors of a chat's messages. Apart from index.ts so that the chat list, the first screen after sign-in,
// loads none of it: it comes with the room's chunk.
export { onHeadReset, openConversation, type Conversation, type MessageView } from './conversation.ts'
export { forward } from './forward.ts'
export { withAuthors } from './authors.ts'
